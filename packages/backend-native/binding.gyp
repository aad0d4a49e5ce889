# The oneDNN addon, built by node-gyp (scripts/build_addon.mjs runs it and says why when it
# cannot). Every native/*.cc is a source. dnnl_include and dnnl_lib name the oneDNN to build
# against (the build script finds them: UNET_DNNL_ROOT, DNNLROOT, /usr/local or /usr).
{
  "variables": {
    "dnnl_include%": "/usr/include",
    "dnnl_lib%": "",
  },
  "targets": [
    {
      "target_name": "unet_native",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native').filter((name) => name.endsWith('.cc')).map((name) => 'native/' + name).join(' ')\")"
      ],
      "include_dirs": ["native", "<(dnnl_include)"],
      "defines": ["NAPI_VERSION=8"],
      # Node's common.gypi turns off C++ exceptions; oneDNN's C++ API reports errors with them.
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # -fno-trapping-math: no program here reads floating-point exception flags, and without it
      # the compiler keeps a branch in loops with a comparison (ReLU masks) instead of
      # vectorising them; results are the same. -ffp-contract=off: no fused multiply-adds, so
      # that the AVX-512 and AVX2 clones of a loop (native/vector_clones.h) round as the scalar one.
      "cflags_cc": ["-O3", "-fno-trapping-math", "-ffp-contract=off", "-fopenmp", "-fvisibility=hidden"],
      "ldflags": ["-fopenmp"],
      "conditions": [
        ["dnnl_lib != ''", {"libraries": ["-L<(dnnl_lib)", "-Wl,-rpath,<(dnnl_lib)", "-ldnnl"]}, {"libraries": ["-ldnnl"]}],
      ],
    }
  ]
}
