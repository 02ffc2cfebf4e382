import Foundation
import Media
import Scenarios
import Testing

@testable import Engine

/// A ball dropped from 1 m beside a static block: 12 frames at 20 fps, small enough for a
/// debug build. The physics check names the ball, so it is every object defect's subject.
private let drop = scene(
  [
    sphere(at: Vector3(0, 1, 0), isStatic: false),
    ObjectSpec(
      name: "block", shape: .box(width: 0.2, height: 0.2, depth: 0.2), color: blue, position: Vector3(0.5, 0.1, 0),
      isStatic: true),
  ], seconds: 0.6, fps: 20, size: 64, checks: [CheckSpec(kind: .physics, object: "ball")])

private func render(_ s: Scenario = drop, _ defect: String? = nil, seed: UInt64 = 0) throws -> RenderedClip {
  guard let defect else { return try ReferenceRenderer(scenario: s).render() }
  let (broken, distortion) = try Defect.parse(defect).apply(to: s, seed: seed)
  return try ReferenceRenderer(scenario: broken, distortion: distortion).render()
}

@Suite struct DefectNames {
  @Test func namesParseWithAndWithoutStrength() throws {
    #expect(try Defect.parse("gravity=0.5") == Defect(.gravity, strength: 0.5))
    #expect(try Defect.parse("flicker") == Defect(.flicker, strength: 0.2))
    for kind in Defect.Kind.allCases {
      let d = Defect(kind)
      #expect(try Defect.parse(d.description) == d)
      #expect(!kind.documentation.isEmpty)
      let strong = Defect(kind, strength: 0.125)
      #expect(try Defect.parse(strong.description) == strong)
    }
  }

  @Test func unknownNamesSuggestTheNearestAndListAll() {
    let list = "vanish, teleport, duplicate, morph, gravity, timewarp, freeze, flicker, reverse, wobble, pop, zoomjitter"
    #expect(throws: UnknownDefectError.self) { try Defect.parse("vansh") }
    #expect("\(UnknownDefectError(name: "vansh"))" == "unknown defect 'vansh' (did you mean 'vanish'?); known defects: \(list)")
    #expect("\(UnknownDefectError(name: "zzzzzzzz"))" == "unknown defect 'zzzzzzzz'; known defects: \(list)")
    do {
      _ = try Defect.parse("gravity=strong")
      Issue.record("a strength that is not a number was accepted")
    } catch {
      #expect("\(error)" == "defect 'gravity': strength 'strong' is not a number")
    }
  }
}

@Suite struct DefectEffects {
  /// Vanish: the ball's mask is empty from one mid-fall frame on, while every earlier frame
  /// is the reference frame, bit for bit.
  @Test func vanishEmptiesTheMaskFromOneFrameOnAndChangesNothingBefore() throws {
    let truth = try render()
    let broken = try render(drop, "vanish")
    let from = try #require(broken.frames.firstIndex { $0.mask.pixelCount(ofObject: 0) == 0 })
    #expect(from > 1 && from < 11, "vanishes mid-fall, at frame \(from)")
    #expect(truth.frames[from].mask.pixelCount(ofObject: 0) > 0, "it was in view there")
    #expect(Array(broken.clip.frames[..<from]) == Array(truth.clip.frames[..<from]))
    #expect(broken.frames[from...].allSatisfy { $0.mask.pixelCount(ofObject: 0) == 0 })
    #expect(broken.frames.map(\.mask.ids).map { $0.filter { $0 == 2 }.count } == truth.frames.map(\.mask.ids).map { $0.filter { $0 == 2 }.count })
  }

  /// Freeze: 3 consecutive frames (25 % of 12) repeat the first of them; every other frame is
  /// the reference frame at the same index, so time jumps on after the freeze.
  @Test func freezeRepeatsFramesThenCatchesUp() throws {
    let truth = try render()
    let broken = try render(drop, "freeze")
    let frames = broken.clip.frames
    let repeats = (1..<frames.count).filter { frames[$0] == frames[$0 - 1] }
    #expect(repeats.count == 2, "repeated frames \(repeats)")
    let start = try #require(repeats.first) - 1
    #expect(repeats == [start + 1, start + 2])
    for k in frames.indices {
      #expect(frames[k] == truth.clip.frames[(start...start + 2).contains(k) ? start : k], "frame \(k)")
    }
    #expect(truth.clip.frames[start] != truth.clip.frames[start + 1], "the reference moves there")
  }

  @Test func reverseShowsTheClipBackwards() throws {
    let truth = try render()
    let broken = try render(drop, "reverse")
    #expect(broken.clip.frames == Array(truth.clip.frames.reversed()))
  }

  /// Wobble, with an orbiting camera: the cameras are the reference cameras exactly; the
  /// static block moves by at most 1 cm per axis on frames where it jitters; the falling ball
  /// is untouched.
  @Test func wobbleMovesStaticObjectsButNotTheCamera() throws {
    var orbiting = drop
    orbiting.camera.path = .orbit(center: Vector3(0, 0.5, 0), degrees: 60)
    let truth = try render(orbiting)
    let broken = try render(orbiting, "wobble")
    #expect(broken.frames.map(\.camera) == truth.frames.map(\.camera))
    var moved = 0
    for (a, b) in zip(broken.frames, truth.frames) {
      #expect(a.bodies[0] == b.bodies[0])
      let d = [a.bodies[1].position.x - b.bodies[1].position.x, a.bodies[1].position.y - b.bodies[1].position.y,
               a.bodies[1].position.z - b.bodies[1].position.z]
      #expect(d.allSatisfy { abs($0) <= 0.01 })
      if d.contains(where: { $0 != 0 }) { moved += 1 }
    }
    #expect(moved == 12)
  }

  /// Gravity × 0.5: while the ball is in the air, it has fallen exactly half as far.
  @Test func halfGravityHalvesTheFall() throws {
    let truth = try render()
    let broken = try render(drop, "gravity=0.5")
    var compared = 0
    // Before the reference ball lands, at t = √(2·0.9 m / g) = 0.43 s.
    for (a, b) in zip(broken.frames, truth.frames) where b.time > 0 && b.time < 0.42 {
      #expect(abs((1 - a.bodies[0].position.y) - 0.5 * (1 - b.bodies[0].position.y)) < 1e-9, "frame \(a.index)")
      compared += 1
    }
    #expect(compared >= 5)
  }

  /// Zoom jitter: every frame has its own focal length (within ±5 %), the principal point,
  /// rotation, translation and the world are the reference's.
  @Test func zoomJitterChangesOnlyTheFocalLength() throws {
    let truth = try render()
    let broken = try render(drop, "zoomjitter")
    for (a, b) in zip(broken.frames, truth.frames) {
      #expect(a.camera.rotation == b.camera.rotation && a.camera.translation == b.camera.translation)
      #expect(a.camera.cx == b.camera.cx && a.camera.cy == b.camera.cy && a.camera.fx == a.camera.fy)
      #expect(abs(a.camera.fx / b.camera.fx - 1) <= 0.05)
      #expect(a.bodies == b.bodies)
    }
    #expect(Set(broken.frames.map(\.camera.fx)).count == 12)
  }

  /// Teleport: the ball's pose is the reference's until one frame, then 0.3 m to the camera's
  /// right (+x here) for good.
  @Test func teleportJumpsSidewaysOnce() throws {
    let truth = try render()
    let broken = try render(drop, "teleport")
    let offsets = zip(broken.frames, truth.frames).map { $0.bodies[0].position.x - $1.bodies[0].position.x }
    let from = try #require(offsets.firstIndex { $0 != 0 })
    #expect(from > 1 && from < 11)
    #expect(offsets[from...].allSatisfy { abs($0 - 0.3) < 1e-12 })
    #expect(Array(broken.clip.frames[..<from]) == Array(truth.clip.frames[..<from]))
  }

  /// Duplicate: from mid-fall the ball's id covers about twice the pixels; before, nothing changes.
  @Test func duplicateAddsASecondCopy() throws {
    let truth = try render()
    let broken = try render(drop, "duplicate")
    let from = try #require(broken.frames.indices.first { broken.frames[$0].mask != truth.frames[$0].mask })
    #expect(from > 1 && from < 11)
    for k in from..<12 {
      let ratio = Double(broken.frames[k].mask.pixelCount(ofObject: 0)) / Double(truth.frames[k].mask.pixelCount(ofObject: 0))
      #expect(ratio > 1.8 && ratio < 2.2, "frame \(k): \(ratio)")
    }
    #expect(broken.frames.map(\.bodies) == truth.frames.map(\.bodies))
  }

  /// Morph: from mid-fall the ball is 1.5× larger (2.25× the pixels, within 15 % for the
  /// pixel grid) and another colour; its path is unchanged.
  @Test func morphChangesSizeAndColour() throws {
    let truth = try render()
    let broken = try render(drop, "morph")
    let from = try #require(broken.frames.indices.first { broken.frames[$0].mask != truth.frames[$0].mask })
    #expect(from > 1 && from < 11)
    let k = from
    let ratio = Double(broken.frames[k].mask.pixelCount(ofObject: 0)) / Double(truth.frames[k].mask.pixelCount(ofObject: 0))
    #expect(abs(ratio / 2.25 - 1) < 0.15, "area ratio \(ratio)")
    let c = try #require(truth.frames[k].mask.centroid(ofObject: 0))
    #expect(pixel(broken.clip.frames[k], Int(c.x), Int(c.y)) != pixel(truth.clip.frames[k], Int(c.x), Int(c.y)))
    #expect(broken.frames.map(\.bodies) == truth.frames.map(\.bodies))
  }

  /// Flicker: same masks, different brightness per frame; the same seed gives the same clip,
  /// another seed another one.
  @Test func flickerChangesBrightnessOnlyAndFollowsTheSeed() throws {
    let truth = try render()
    let broken = try render(drop, "flicker", seed: 1)
    #expect(broken.frames.map(\.mask) == truth.frames.map(\.mask))
    let changed = zip(broken.clip.frames, truth.clip.frames).filter { $0 != $1 }.count
    #expect(changed >= 11)
    #expect(try render(drop, "flicker", seed: 1).clip.frames == broken.clip.frames)
    #expect(try render(drop, "flicker", seed: 2).clip.frames != broken.clip.frames)
  }

  /// Timewarp keeps the first and last instants and bends the ones between, monotonically.
  @Test func timewarpBendsTimeBetweenFixedEnds() throws {
    let truth = try render()
    let broken = try render(drop, "timewarp")
    let times = broken.frames.map(\.time)
    #expect(times.first == 0 && abs(times.last! - truth.frames.last!.time) < 1e-12)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    let steps = zip(times, times.dropFirst()).map { $1 - $0 }
    #expect(steps.max()! / steps.min()! > 2, "speed varies: steps \(steps)")
  }

  /// Pop: the subject is absent for the first half of the clip, then present.
  @Test func popMakesTheSubjectAppearMidClip() throws {
    let broken = try render(drop, "pop")
    #expect(broken.frames[..<6].allSatisfy { $0.mask.pixelCount(ofObject: 0) == 0 })
    #expect(broken.frames[6...].allSatisfy { $0.mask.pixelCount(ofObject: 0) > 0 })
  }
}
