// The addon is built for any x86-64 (it is compiled where it is installed, but a build can be
// copied elsewhere), so the plain loops would use SSE2 only. A hot loop marked UNET_VECTOR_CLONES
// is compiled three times, for AVX-512, AVX2 and the baseline, and the loader picks the one the
// CPU runs (GCC's target_clones, an ifunc). Results are the same in each: binding.gyp compiles
// with -ffp-contract=off (no fused multiply-adds the scalar code would not do), and without
// -ffast-math the compiler vectorises only across elements, never reorders a sum.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define UNET_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define UNET_VECTOR_CLONES
#endif
