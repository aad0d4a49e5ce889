/**
 * The Pascal VOC colour map: the palette of every SegmentationClass PNG. Index i's colour spreads
 * i's bits over the three channels, most significant first (VOCdevkit's `VOClabelcolormap.m`), so
 * 1 aeroplane is (128, 0, 0), 15 person (192, 128, 128) and 255 void (224, 224, 192).
 */
export function vocColourMap(entries = 256): Uint8Array {
  const colours = new Uint8Array(entries * 3);
  for (let index = 0; index < entries; index++) {
    let red = 0;
    let green = 0;
    let blue = 0;
    let bits = index;
    for (let shift = 7; shift >= 0; shift--) {
      red |= (bits & 1) << shift;
      green |= ((bits >> 1) & 1) << shift;
      blue |= ((bits >> 2) & 1) << shift;
      bits >>= 3;
    }
    colours.set([red, green, blue], index * 3);
  }
  return colours;
}
