#include "onednn_engine.h"

#include <cstdlib>
#include <new>

namespace unet_native {

dnnl::engine& engine() {
  static dnnl::engine instance(dnnl::engine::kind::cpu, 0);
  return instance;
}

dnnl::stream& stream() {
  static dnnl::stream instance(engine());
  return instance;
}

std::mutex& cacheMutex() {
  static std::mutex instance;
  return instance;
}

float* scratch(size_t bytes) {
  struct Buffer {
    float* data = nullptr;
    size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  if (buffer.size < bytes) {
    std::free(buffer.data);
    buffer.data = nullptr;
    buffer.size = 0;
    const size_t rounded = (bytes + 63) / 64 * 64;
    buffer.data = static_cast<float*>(std::aligned_alloc(64, rounded));
    if (buffer.data == nullptr) throw std::bad_alloc();
    buffer.size = rounded;
  }
  return buffer.data;
}

Reordered::Reordered(const memory::desc& from_, const memory::desc& to_) : from(from_), to(to_) {
  needed = from != to;
  if (needed) primitive = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), from, engine(), to));
}

memory Reordered::in(float* user) { return needed ? into(user, scratch(to.get_size())) : memory(from, engine(), user); }

memory Reordered::into(float* user, float* target) {
  memory source(from, engine(), user);
  if (!needed) return source;
  memory reordered(to, engine(), target);
  primitive.execute(stream(), source, reordered);
  return reordered;
}

}  // namespace unet_native
