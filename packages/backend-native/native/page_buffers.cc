// Page buffers: ArrayBuffers over memory the addon maps for each one alone, for the native
// backend's pooled outputs (src/buffer_pool.ts). Three things the JavaScript heap's buffers
// cannot do:
// - start on a 2 MiB boundary, advised for transparent huge pages (where the system leaves them
//   to madvise), so that a first write faults in 2 MiB at a time rather than 4 KiB: in a virtual
//   machine each fault is dear (a 33 MB output's first write took up to 65 ms of a 3 ms kernel on
//   the 2-core VM of 2026-12-03);
// - be made of other page buffers' pages, moved (Linux's mremap), not copied: when no kept buffer
//   fits an output, the pool gathers kept ones into it, so that their pages are neither idle at a
//   pass's peak nor given back and faulted in (and zeroed) again;
// - give their memory back at once (freePageBuffer), not at the garbage collector's next
//   collection.
// Every page buffer spans whole 2 MiB pages and starts on one, so that pages move between them as
// whole huge pages (a move to another offset within 2 MiB would split them into 4 KiB ones).
// A buffer that is gathered or freed is detached (byteLength 0, its views empty): no stale view
// can reach memory that is gone or now another buffer's.
#include "kernels.h"
#include "napi_arguments.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace unet_native {
namespace {

constexpr size_t hugePage = size_t(2) << 20;

struct Mapping {
  char* base;
  size_t mapped;
  // False once the buffer was gathered or freed: its finalizer then leaves the memory alone.
  bool live;
};

// Every live mapping by its address. Worker threads load this addon too (one copy of this map for
// all of them), so it is locked.
std::mutex mappingsLock;
std::unordered_map<void*, Mapping*> mappings;
// The bytes of every live mapping together (pageBufferBytes), under the same lock.
size_t mappedBytes = 0;

// `mapping` becomes live / stops being live; the caller holds mappingsLock.
void track(Mapping* mapping) {
  mapping->live = true;
  mappings[mapping->base] = mapping;
  mappedBytes += mapping->mapped;
}
void forget(Mapping* mapping) {
  mapping->live = false;
  mappings.erase(mapping->base);
  mappedBytes -= mapping->mapped;
}

size_t roundUp(size_t value, size_t step) { return (value + step - 1) / step * step; }

[[noreturn]] void failed(const char* what, size_t bytes) {
  throw std::runtime_error(std::string(what) + " " + std::to_string(bytes) + " bytes failed: " + std::strerror(errno) +
                           " (is the process short of memory, or of address space under ulimit -v?)");
}

// `mapped` bytes (whole 2 MiB pages), zeros, starting on a 2 MiB boundary and advised for huge
// pages.
char* mapAligned(size_t mapped) {
  void* reserved = mmap(nullptr, mapped + hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserved == MAP_FAILED) failed("mapping", mapped);
  char* start = static_cast<char*>(reserved);
  char* aligned = reinterpret_cast<char*>(roundUp(reinterpret_cast<uintptr_t>(start), hugePage));
  if (aligned > start) munmap(start, size_t(aligned - start));
  char* end = start + mapped + hugePage;
  if (end > aligned + mapped) munmap(aligned + mapped, size_t(end - (aligned + mapped)));
#if defined(MADV_HUGEPAGE)
  madvise(aligned, mapped, MADV_HUGEPAGE);
#endif
  return aligned;
}

void finalize(napi_env, void*, void* hint) {
  auto* mapping = static_cast<Mapping*>(hint);
  {
    std::lock_guard<std::mutex> lock(mappingsLock);
    if (mapping->live) {
      forget(mapping);
      munmap(mapping->base, mapping->mapped);
    }
  }
  delete mapping;
}

napi_value wrap(napi_env env, char* base, size_t mapped) {
  auto* mapping = new Mapping{base, mapped, false};
  {
    std::lock_guard<std::mutex> lock(mappingsLock);
    track(mapping);
  }
  napi_value buffer = nullptr;
  if (napi_create_external_arraybuffer(env, base, mapped, finalize, mapping, &buffer) != napi_ok) {
    std::lock_guard<std::mutex> lock(mappingsLock);
    forget(mapping);
    munmap(base, mapped);
    delete mapping;
    throw std::runtime_error("this Node.js cannot make an ArrayBuffer over external memory (napi_create_external_arraybuffer)");
  }
  return buffer;
}

size_t bytesArgument(napi_env env, napi_value value) {
  const double bytes = number(env, value);
  if (!(bytes >= 1) || bytes != double(size_t(bytes))) {
    std::ostringstream given;
    given << bytes;
    throw ArgumentError("bytes must be a whole number of at least 1, got " + given.str());
  }
  return size_t(bytes);
}

// The live mapping of a page buffer; throws for any other value.
Mapping* mappingOf(napi_env env, napi_value value) {
  bool isBuffer = false;
  napi_is_arraybuffer(env, value, &isBuffer);
  if (!isBuffer) throw ArgumentError("buffer must be an ArrayBuffer");
  void* data = nullptr;
  size_t length = 0;
  napi_get_arraybuffer_info(env, value, &data, &length);
  std::lock_guard<std::mutex> lock(mappingsLock);
  auto found = mappings.find(data);
  if (found == mappings.end() || length == 0) {
    throw ArgumentError("buffer is not one that pageBuffer made, or it was gathered or freed already");
  }
  return found->second;
}

// Takes `mapping` (mappingOf's for `value`) from its buffer: the mapping is no longer the
// buffer's, and the buffer is detached.
Mapping taken(napi_env env, napi_value value, Mapping* mapping) {
  {
    std::lock_guard<std::mutex> lock(mappingsLock);
    forget(mapping);
  }
  const Mapping result = *mapping;
  if (napi_detach_arraybuffer(env, value) != napi_ok) {
    std::lock_guard<std::mutex> lock(mappingsLock);
    track(mapping);
    throw ArgumentError("buffer cannot be detached, so its pages cannot move");
  }
  return result;
}

// Detaches the donors whose pages moved into another mapping: their memory is no longer theirs,
// so unlike taken() nothing can be restored when a detach fails.
void detachMoved(napi_env env, const std::vector<napi_value>& donors, const std::vector<Mapping*>& mappingsOfDonors,
                 uint32_t count) {
  bool allDetached = true;
  for (uint32_t index = 0; index < count; index++) {
    {
      std::lock_guard<std::mutex> lock(mappingsLock);
      forget(mappingsOfDonors[index]);
    }
    if (napi_detach_arraybuffer(env, donors[index]) != napi_ok) allDetached = false;
  }
  if (!allDetached) throw std::runtime_error("a donor whose pages moved could not be detached: do not read it again");
}

}  // namespace

// pageBuffer(bytes: number) -> an ArrayBuffer of zeros in a mapping of its own, `bytes` rounded
// up to whole 2 MiB pages (its byteLength says how many).
napi_value PageBuffer(napi_env env, napi_callback_info info) {
  napi_value result = nullptr;
  guarded(env, "pageBuffer", [&] {
    auto args = arguments(env, info, 1);
    const size_t mapped = roundUp(bytesArgument(env, args[0]), hugePage);
    result = wrap(env, mapAligned(mapped), mapped);
  });
  return result;
}

// gatherPageBuffer(donors: ArrayBuffer[], bytes: number) -> [buffer, leftover?]: a page buffer of
// `bytes` (rounded up to whole 2 MiB pages) made of the donors' pages, in order, and fresh zero
// pages for any part they do not cover; the last donor's pages past that go to `leftover`, a
// page buffer of its own. Nothing is copied. Contents are undefined (the pool's outputs are
// written in full before they are read). Every donor is detached. Each donor before the last
// must be needed: together they must not cover `bytes` already.
napi_value GatherPageBuffer(napi_env env, napi_callback_info info) {
  napi_value result = nullptr;
  guarded(env, "gatherPageBuffer", [&] {
    auto args = arguments(env, info, 2);
    const size_t mapped = roundUp(bytesArgument(env, args[1]), hugePage);
    bool isArray = false;
    napi_is_array(env, args[0], &isArray);
    if (!isArray) throw ArgumentError("donors must be an array of page buffers");
    uint32_t count = 0;
    napi_get_array_length(env, args[0], &count);
    std::vector<napi_value> donors(count);
    std::vector<Mapping*> donorMappings(count);
    size_t covered = 0;
    for (uint32_t index = 0; index < count; index++) {
      napi_get_element(env, args[0], index, &donors[index]);
      if (covered >= mapped) throw ArgumentError("donors cover more than bytes before their last: pass only those needed");
      donorMappings[index] = mappingOf(env, donors[index]);
      covered += donorMappings[index]->mapped;
      for (uint32_t earlier = 0; earlier < index; earlier++) {
        bool same = false;
        napi_strict_equals(env, donors[earlier], donors[index], &same);
        if (same) throw ArgumentError("donors must be distinct page buffers");
      }
    }
    char* target = mapAligned(mapped);
    size_t offset = 0;
    Mapping leftover{nullptr, 0, false};
    for (uint32_t index = 0; index < count; index++) {
      const Mapping pages = *donorMappings[index];
      const size_t moving = pages.mapped < mapped - offset ? pages.mapped : mapped - offset;
#if defined(__linux__)
      if (mremap(pages.base, moving, moving, MREMAP_MAYMOVE | MREMAP_FIXED, target + offset) == MAP_FAILED) {
        const int error = errno;
        // The donors moved so far go with the target; this one and the rest are as they were.
        detachMoved(env, donors, donorMappings, index);
        munmap(target, mapped);
        errno = error;
        failed("moving pages into a mapping of", mapped);
      }
#else
      std::memcpy(target + offset, pages.base, moving);
      munmap(pages.base, moving);
#endif
      if (moving < pages.mapped) leftover = Mapping{pages.base + moving, pages.mapped - moving, true};
      offset += moving;
    }
    // The donors are detached only once the new buffers exist. V8 lowers its external-memory
    // limit to 64 MiB above any new low of the total, so detaching first made each gather's new
    // buffer look like fresh external memory to it, and it answered with garbage collections
    // beside the kernels (small forward passes on the 2-core AMD EPYC VM, 2026-12-08: 16-19
    // mark-compacts in 9 passes, against 4 in this order).
    napi_value made = nullptr, rest = nullptr;
    try {
      made = wrap(env, target, mapped);
      if (leftover.base != nullptr) rest = wrap(env, leftover.base, leftover.mapped);
    } catch (...) {
      // Their pages are in the target, or went with a buffer that could not be made.
      detachMoved(env, donors, donorMappings, count);
      throw;
    }
    detachMoved(env, donors, donorMappings, count);
    napi_create_array(env, &result);
    napi_set_element(env, result, 0, made);
    if (rest != nullptr) napi_set_element(env, result, 1, rest);
  });
  return result;
}

// freePageBuffer(buffer: ArrayBuffer): gives the buffer's memory back now; `buffer` is detached.
napi_value FreePageBuffer(napi_env env, napi_callback_info info) {
  guarded(env, "freePageBuffer", [&] {
    auto args = arguments(env, info, 1);
    const Mapping old = taken(env, args[0], mappingOf(env, args[0]));
    munmap(old.base, old.mapped);
  });
  return nullptr;
}

// pageBufferBytes() -> the bytes of every page buffer that is neither freed, gathered nor collected.
napi_value PageBufferBytes(napi_env env, napi_callback_info) {
  size_t bytes = 0;
  {
    std::lock_guard<std::mutex> lock(mappingsLock);
    bytes = mappedBytes;
  }
  napi_value result = nullptr;
  napi_create_double(env, double(bytes), &result);
  return result;
}

}  // namespace unet_native
