extension RGBImage {
  /// A smaller copy whose longer side is `longSide` pixels, each output pixel the mean of the
  /// source pixels it covers (area averaging, so thin features fade rather than alias).
  /// Images already that small are returned as they are.
  public func downsampled(longSide: Int) -> RGBImage {
    let scale = Double(max(width, height)) / Double(longSide)
    guard scale > 1 else { return self }
    let outWidth = max(1, Int((Double(width) / scale).rounded()))
    let outHeight = max(1, Int((Double(height) / scale).rounded()))
    return downsampled(width: outWidth, height: outHeight)
  }

  /// A copy of `outWidth`×`outHeight` pixels, no larger than this image on either side, each
  /// output pixel the mean of the source pixels it covers.
  public func downsampled(width outWidth: Int, height outHeight: Int) -> RGBImage {
    precondition(outWidth <= width && outHeight <= height, "downsampled only shrinks")
    if outWidth == width && outHeight == height { return self }
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

  /// The image turned clockwise by `degrees` (0, 90, 180 or 270).
  public func rotated(clockwise degrees: Int) -> RGBImage {
    let turn = (degrees % 360 + 360) % 360
    precondition(turn % 90 == 0, "rotation must be a multiple of 90°")
    if turn == 0 { return self }
    let (w, h) = turn == 180 ? (width, height) : (height, width)
    var out = [UInt8](repeating: 0, count: pixels.count)
    for y in 0..<h {
      for x in 0..<w {
        // Source pixel that lands on (x, y) after the turn.
        let (sx, sy) =
          switch turn {
          case 90: (y, height - 1 - x)
          case 180: (width - 1 - x, height - 1 - y)
          default: (width - 1 - y, x)
          }
        let s = (sy * width + sx) * 3, d = (y * w + x) * 3
        out[d] = pixels[s]
        out[d + 1] = pixels[s + 1]
        out[d + 2] = pixels[s + 2]
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}
