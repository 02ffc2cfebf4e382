/// How wide an object looks at each image row, from the frames where it is seen sharply, and
/// the metric height that a row stands for.
///
/// Two effects of real footage are handled here. Motion blur smears a falling object's colour
/// into the background, so its colour core looks narrower the faster it falls (a 25 px ball
/// measured 11 px at 5 m/s in 120 fps footage): only frames where the object moves less than
/// half its width per frame are used. And a camera tilted towards or away from the fall sees
/// the top and bottom of the drop at different distances: the apparent width w = f·D ÷ Z then
/// changes linearly with the image row (1 ÷ Z is linear in y for points on a line), and the
/// vertical magnification is f·d ÷ Z², proportional to w². Integrating dy ÷ (λ·w(y)²) gives
/// the height below the centre row y₀ as D·(y − y₀) ÷ w(y), taking λ from the centre row, where
/// a camera pitched by θ sees vertical lengths shortened by cos θ (1.5% at 10°). A level
/// camera has a constant w and this is plain y ÷ scale.
///
/// The width is a line through the sharp frames' widths against their rows, fitted by least
/// squares with outliers (a hand still touching the object, a region clipped by the frame
/// edge) rejected at 3 robust standard deviations; with the rows too close together for a
/// trend, the mean of the widths kept. The widths are sub-pixel (edge pixels unmixed, see
/// `ColorRegions.observe`), so the central estimate is not raised towards the larger ones: a
/// 75th percentile did that for colour cores that shading and blur shrink, and turned the
/// off-table cup's 20.33 and 20.67 px widths (3×3 supersampling puts edges on thirds of a
/// pixel; the truth is 20.38) into 20.67.
///
/// The scale is read from the video, not from the scenario's camera (px/m = f ÷ Z from the
/// field of view and the distance), although the reference engine honours the camera exactly:
/// a generated video need not, and a model that frames the scene closer than asked still shows
/// a true fall in its own pixels, which only its own apparent size measures.
struct ApparentSize: Sendable {
  /// Width in pixels at row `centreRow`, and its change per row.
  let centreWidth: Double
  let slope: Double
  let centreRow: Double
  /// The object's true width in metres.
  let metres: Double
  /// Region area ÷ width² in the sharp frames (π/4 for a sphere, more for a box).
  let areaPerSquaredWidth: Double
  /// Height ÷ width of the outline in those frames.
  let aspect: Double
  /// Standard uncertainty of `centreWidth` in pixels: the kept widths' robust spread over √n
  /// (random) and edge placement (each edge uncertain to ±1/6 px uniform, as 3×3
  /// supersampling or a sensor's antialiasing leaves it: 0.14 px for the two), in quadrature.
  /// Without the last, a sharp render's widths agree so well that σ came out 0.003 m/s² on
  /// the low-gravity drop while g was 0.013 m/s² off.
  let centreWidthUncertainty: Double

  /// The sharp frames showing the object in the pose it fell in decide; rows of the track are
  /// image y, down positive. `fall`: the frames of the free fall, from the release.
  /// `posed`: the frames up to the release show the object as the scenario placed it (resting
  /// on or pushed along another object), so they decide its pose; otherwise (held by a hand,
  /// or falling from the first frame) only the frames from the release count, and the fall's
  /// sharp frames decide the pose.
  init?(
    track: [ObjectObservation?], fall: Range<Int>, posed: Bool = false, image: (width: Int, height: Int),
    metres: Double
  ) {
    let release = fall.lowerBound
    // Every frame seen whole inside the picture, with how fast it moves (pixels a frame, the
    // larger of its steps to the frames next to it).
    let seen = track[(posed ? 0 : release)...].compactMap { $0 }
    var frames: [(o: ObjectObservation, speed: Double)] = []
    for (k, o) in seen.enumerated() where o.width > 0 {
      let neighbours = [k > 0 ? seen[k - 1] : nil, k + 1 < seen.count ? seen[k + 1] : nil].compactMap { $0 }
      let speed = neighbours.map { n in max(abs(n.x - o.x), abs(n.y - o.y)) / Double(abs(n.frame - o.frame)) }.max()
      let inside =
        o.x - o.width / 2 > 1 && o.x + o.width / 2 < Double(image.width) - 1
        && o.y - o.height / 2 > 1 && o.y + o.height / 2 < Double(image.height) - 1
      if inside { frames.append((o, speed ?? .infinity)) }
    }
    let sharp = { (f: (o: ObjectObservation, speed: Double)) in f.speed < f.o.width / 2 }
    // A body that turns once let go shows a wider outline (a rectangle turned by θ is
    // a·cos θ + b·sin θ wide), one that lands on its side another width altogether, and a
    // shattered one is its shards: the cup tipping off the table measured 20.4 px upright, up
    // to 32 px tumbling and 30 px lying on the floor; the shattering cup 20 px falling and 54 px
    // as shards. So only frames in the pose it fell in count, told by the outline's aspect
    // (height ÷ width) and area ÷ width², both near their medians over the frames that show
    // that pose. Placed on another object, those are the frames up to the release: most show
    // it as placed, the last few may show it tipping over the edge already (taking the pose
    // from those overstated the off-table cup's scale by 2.7%), and it is seen at one height,
    // so within 8%. Otherwise they are the fall's sharp frames, within 25%: an upright cup
    // dropped past the camera shows its bottom at the top of the drop and its rim at the
    // bottom, its aspect changing by 15%, while shards or a cup on its side are 45% off or more.
    let aspectOf = { (o: ObjectObservation) in o.height / o.width }
    let fillOf = { (o: ObjectObservation) in Double(o.area) / (o.width * o.width) }
    let (shown, tolerance) =
      posed
      ? (frames.filter { $0.o.frame <= release }, 0.08)
      : (frames.filter { fall.contains($0.o.frame) && sharp($0) }, 0.25)
    if let aspect = median(shown.map { aspectOf($0.o) }), let fill = median(shown.map { fillOf($0.o) }) {
      let inPose = { (o: ObjectObservation) in
        abs(aspectOf(o) / aspect - 1) <= tolerance && abs(fillOf(o) / fill - 1) <= tolerance
      }
      // A fall in which the outline keeps turning (a block toppling from its edge) has no one
      // pose to keep.
      if posed || shown.allSatisfy({ inPose($0.o) }) { frames = frames.filter { inPose($0.o) } }
    } else if posed {
      return nil
    }
    if posed {
      // An object pushed along may move fast in every frame of that pose (the off-table cup
      // slides at 10 px a frame, half its width): then the slowest of them, whose blur is the
      // least the clip offers.
      let slowest = frames.map(\.speed).min() ?? 0
      frames = frames.contains(where: sharp) ? frames.filter(sharp) : frames.filter { $0.speed <= 1.25 * slowest }
    } else {
      frames = frames.filter(sharp)
    }
    var rows = frames.map(\.o.y), widths = frames.map(\.o.width)
    var fills = frames.map { Double($0.o.area) / ($0.o.width * $0.o.width) }
    var aspects = frames.map { $0.o.height / $0.o.width }
    // A region with half as much area again as the typical sharp frame is the object merged
    // with something of its colour (a hand holding it doubles the area); a tilt changes the
    // area along a fall by far less (17% for a 10° camera over a 2 m drop).
    let areas = rows.indices.map { fills[$0] * widths[$0] * widths[$0] }
    let typicalArea = median(areas) ?? 0
    let alone = rows.indices.filter { areas[$0] <= 1.5 * typicalArea }
    (rows, widths, fills, aspects) = (alone.map { rows[$0] }, alone.map { widths[$0] }, alone.map { fills[$0] }, alone.map { aspects[$0] })
    guard !widths.isEmpty else { return nil }
    let centre = Double(image.height) / 2
    // A trend needs rows spread over a quarter of the image at least; otherwise the level alone.
    let spread = (rows.max()! - rows.min()!) >= Double(image.height) / 4 && rows.count >= 4
    let fit = { (keep: [Int]) -> (level: Double, slope: Double) in
      let w = keep.map { widths[$0] }
      if spread, let line = Self.line(keep.map { rows[$0] - centre }, w) { return line }
      return (w.reduce(0, +) / Double(w.count), 0)
    }
    var keep = Array(widths.indices)
    var line = spread ? fit(keep) : (level: median(widths)!, slope: 0.0)
    for _ in 0..<3 {
      let residuals = widths.indices.map { widths[$0] - line.level - line.slope * (rows[$0] - centre) }
      let spreadMAD = 1.4826 * (median(keep.map { abs(residuals[$0]) }) ?? 0)
      let next = widths.indices.filter { abs(residuals[$0]) <= max(3 * spreadMAD, 0.5) }
      if next.count < 2 { break }
      let unchanged = next == keep
      keep = next
      line = fit(keep)
      if unchanged { break }
    }
    let residuals = keep.map { widths[$0] - line.level - line.slope * (rows[$0] - centre) }
    centreWidth = line.level
    let widthSpread = 1.4826 * (median(residuals.map { abs($0) }) ?? 0)
    let edges = 2 * (1.0 / 6) * (1.0 / 6) / 3
    centreWidthUncertainty = (widthSpread * widthSpread / Double(residuals.count) + edges).squareRoot()
    slope = line.slope
    centreRow = centre
    self.metres = metres
    areaPerSquaredWidth = median(keep.map { fills[$0] }) ?? 0
    aspect = median(keep.map { aspects[$0] }) ?? 1
    guard centreWidth > 0 else { return nil }
  }

  func width(atRow y: Double) -> Double { centreWidth + slope * (y - centreRow) }

  /// The observations that show the object alone and clearly: nil where the region is more
  /// than 20% wider than the object's outline turned any way (its diagonal) or has 50% more
  /// area than the object at that row (merged with something of a similar colour, such as the
  /// hand that holds it), or less than a quarter of the area (blurred into the background
  /// until its centre is noise).
  func clean(_ track: [ObjectObservation?]) -> [ObjectObservation?] {
    track.map { o in
      guard let o else { return nil }
      let w = width(atRow: o.y)
      let area = Double(o.area), expected = areaPerSquaredWidth * w * w
      let diagonal = w * (1 + aspect * aspect).squareRoot()
      guard o.width <= 1.2 * diagonal, area <= 1.5 * expected, area >= 0.25 * expected else { return nil }
      return o
    }
  }

  /// Pixels per metre, horizontally, at row `y`.
  func scale(atRow y: Double) -> Double { width(atRow: y) / metres }

  /// Metres below the centre row that row `y` stands for, on the object's line of fall.
  func depthBelowCentre(row y: Double) -> Double { metres * (y - centreRow) / width(atRow: y) }

  /// Least-squares line w = level + slope·u.
  private static func line(_ u: [Double], _ w: [Double]) -> (level: Double, slope: Double)? {
    let n = Double(u.count)
    guard n >= 2 else { return nil }
    let mu = u.reduce(0, +) / n, mw = w.reduce(0, +) / n
    let suu = zip(u, u).map { ($0 - mu) * ($1 - mu) }.reduce(0, +)
    guard suu > 0 else { return nil }
    let suw = zip(u, w).map { ($0 - mu) * ($1 - mw) }.reduce(0, +)
    let slope = suw / suu
    return (mw - slope * mu, slope)
  }
}
