// oneDNN's state, one per process: the CPU engine and stream every kernel runs on, the scratch
// buffer for kernels in oneDNN's layouts, and the cache of primitives by their parameters.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace unet_native {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& engine();
dnnl::stream& stream();

// Scratch memory for kernels in oneDNN's layout, shared by every primitive of this thread: a
// reordered kernel or a kernel gradient lives only during one call, so one buffer the size of the
// largest kernel serves them all (a copy per cached primitive cost 3 x 124 MB for the paper
// network: forward, backward-data and backward-weights).
float* scratch(size_t bytes);

// Primitives built once per set of parameters (creating one costs far more than running it),
// looked up under one lock shared by every cache.
std::mutex& cacheMutex();

template <typename Entry>
class PrimitiveCache {
 public:
  // The entry for `key`, made by `make()` (which returns an Entry) on first use.
  template <typename Make>
  Entry& get(const std::string& key, Make make) {
    std::lock_guard<std::mutex> lock(cacheMutex());
    auto& slot = entries_[key];
    if (!slot) slot = std::make_unique<Entry>(make());
    return *slot;
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

// A kernel reordered from tfjs's layout into the one a primitive wants, in the scratch buffer.
struct Reordered {
  memory::desc from;
  memory::desc to;
  bool needed = false;
  dnnl::reorder primitive;

  Reordered() = default;
  Reordered(const memory::desc& from_, const memory::desc& to_);

  // The kernel in the primitive's layout: the user's memory itself when no reorder is needed.
  memory in(float* user);
  // The same into `target` (to.get_size() bytes) rather than the scratch buffer, for a kernel
  // whose user memory is itself in the scratch buffer.
  memory into(float* user, float* target);
};

}  // namespace unet_native
