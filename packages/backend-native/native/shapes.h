// What the shape kernels (broadcast, slice, pad, tile, transpose) share: their parameters give
// a rank and per-axis lists, up to this rank.
#pragma once

namespace unet_native {

constexpr int kMaxRank = 8;

}  // namespace unet_native
