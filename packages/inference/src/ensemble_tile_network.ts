import { SegmentImageError } from './errors.js';
import type { NetworkGeometry, TileNetwork } from './tile_network.js';

/**
 * Several networks as one: each predicts the same batch of tiles and the class probabilities
 * are averaged, pixel by pixel (nnU-Net's ensemble of its folds). Because the geometry is one,
 * every path that plans tiles (segmentImage, the region-by-region path) cuts the same tiles for
 * all of them, and the decision (argmax or threshold) is taken once, on the mean.
 */
export function ensembleTileNetwork(networks: readonly TileNetwork[]): TileNetwork {
  if (networks.length === 0) throw new SegmentImageError('ensembleTileNetwork: no networks; pass at least one');
  const geometry = networks[0]!.geometry;
  for (const [index, network] of networks.entries()) {
    const differs = (Object.keys(geometry) as (keyof NetworkGeometry)[]).filter((key) => network.geometry[key] !== geometry[key]);
    if (differs.length > 0) {
      const described = differs.map((key) => `${key} ${String(network.geometry[key])} (network 0 has ${String(geometry[key])})`);
      throw new SegmentImageError(
        `ensembleTileNetwork: network ${index} differs in ${described.join(', ')}; an ensemble averages networks that cut the same tiles into the same classes`,
      );
    }
  }
  if (networks.length === 1) return networks[0]!;
  return {
    geometry,
    async predictTiles(input, shape, options) {
      // One network at a time: memory stays that of one network's tiles, whatever their count.
      const sum = await networks[0]!.predictTiles(input, shape, options);
      for (const network of networks.slice(1)) {
        const probabilities = await network.predictTiles(input, shape, options);
        for (let index = 0; index < sum.length; index++) sum[index] = sum[index]! + probabilities[index]!;
      }
      for (let index = 0; index < sum.length; index++) sum[index] = sum[index]! / networks.length;
      return sum;
    },
  };
}
