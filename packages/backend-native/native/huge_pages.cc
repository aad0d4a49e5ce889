// Page advice for the memory of tfjs arrays (releasePages: below). adviseHugePages
// (src/native_backend.ts's output()) asks Linux to back a new, untouched array with 2 MiB pages
// (transparent huge pages, where the system leaves them to madvise). A fresh activation-sized
// array is otherwise faulted in 4 KiB at a time on its first write, and in a virtual machine each
// fault is dear: a 33 MB output's first write took up to 65 ms of a 3 ms kernel on the 2-core VM
// of 2026-12-03. Only the array's whole 2 MiB-aligned stretches are advised; the contents do not
// change.
#include "kernels.h"
#include "napi_arguments.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace unet_native {
namespace {

// madvise(advice) over the whole pages of `page` bytes inside the array's first argument; the
// bytes advised (0 where none, or off Linux).
napi_value adviseWholePages(napi_env env, napi_callback_info info, const char* name, uintptr_t page, int advice) {
  napi_value result = nullptr;
  guarded(env, name, [&] {
    auto args = arguments(env, info, 1);
    Floats array = floats(env, args[0], "array");
    double advised = 0;
#if defined(__linux__)
    const uintptr_t start = reinterpret_cast<uintptr_t>(array.data);
    const uintptr_t begin = (start + page - 1) & ~(page - 1);
    const uintptr_t end = (start + array.length * sizeof(float)) & ~(page - 1);
    if (advice != 0 && end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, advice) == 0) advised = double(end - begin);
#endif
    napi_create_double(env, advised, &result);
  });
  return result;
}

#if defined(__linux__) && defined(MADV_HUGEPAGE)
constexpr int hugePageAdvice = MADV_HUGEPAGE;
#else
constexpr int hugePageAdvice = 0;
#endif
#if defined(__linux__) && defined(MADV_DONTNEED)
constexpr int releaseAdvice = MADV_DONTNEED;
#else
constexpr int releaseAdvice = 0;
#endif

}  // namespace

// adviseHugePages(array: Float32Array) -> the bytes advised (0 where nothing could be).
napi_value AdviseHugePages(napi_env env, napi_callback_info info) {
  return adviseWholePages(env, info, "adviseHugePages", uintptr_t(2) << 20, hugePageAdvice);
}

// releasePages(array: Float32Array) -> the bytes released: hands the array's whole 4 KiB pages
// back to the system (MADV_DONTNEED; they read as zeros if touched again). For memory that
// nothing can read any more but that the garbage collector has not freed yet: the buffer pool's
// dropped buffers (src/buffer_pool.ts), which otherwise stayed in the process's resident memory
// until a collection (the paper train step's peak RSS: 1.96 GiB so, 1.68 GiB released, on the
// 2-core AMD EPYC VM of 2026-12-07).
napi_value ReleasePages(napi_env env, napi_callback_info info) {
  return adviseWholePages(env, info, "releasePages", 4096, releaseAdvice);
}

}  // namespace unet_native
