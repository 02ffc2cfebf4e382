extension RGBImage {
  /// A smaller copy whose longer side is `longSide` pixels, each output pixel the mean of the
  /// source pixels it covers (area averaging, so thin features fade rather than alias).
  /// Images already that small are returned as they are.
  public func downsampled(longSide: Int) -> RGBImage {
    let scale = Double(max(width, height)) / Double(longSide)
    guard scale > 1 else { return self }
    let outWidth = max(1, Int((Double(width) / scale).rounded()))
    let outHeight = max(1, Int((Double(height) / scale).rounded()))
    var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
    for oy in 0..<outHeight {
      let y0 = oy * height / outHeight
      let y1 = max(y0 + 1, (oy + 1) * height / outHeight)
      for ox in 0..<outWidth {
        let x0 = ox * width / outWidth
        let x1 = max(x0 + 1, (ox + 1) * width / outWidth)
        var sum = (0, 0, 0)
        for y in y0..<y1 {
          var i = (y * width + x0) * 3
          for _ in x0..<x1 {
            sum.0 += Int(pixels[i])
            sum.1 += Int(pixels[i + 1])
            sum.2 += Int(pixels[i + 2])
            i += 3
          }
        }
        let count = (y1 - y0) * (x1 - x0)
        let o = (oy * outWidth + ox) * 3
        out[o] = UInt8((sum.0 + count / 2) / count)
        out[o + 1] = UInt8((sum.1 + count / 2) / count)
        out[o + 2] = UInt8((sum.2 + count / 2) / count)
      }
    }
    return RGBImage(width: outWidth, height: outHeight, pixels: out)
  }
}
