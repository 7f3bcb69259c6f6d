{
  "targets": [
    {
      "target_name": "torch_addon",
      "sources": ["<!@(node -p \"require('fs').readdirSync('native').filter(f=>f.endsWith('.cc')).map(f=>'native/'+f).join(' ')\")"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"process.env.LIBTORCH_INCLUDE || '/usr/include /usr/include/torch/csrc/api/include'\")"
      ],
      "libraries": [
        "-L<!@(node -p \"process.env.LIBTORCH_LIB || '/usr/lib/x86_64-linux-gnu'\")",
        "-Wl,-rpath,<!@(node -p \"process.env.LIBTORCH_LIB || '/usr/lib/x86_64-linux-gnu'\")",
        "-ltorch", "-ltorch_cpu", "-lc10", "-fopenmp"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O2", "-fopenmp", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"]
    }
  ]
}
