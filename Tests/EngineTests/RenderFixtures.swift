import Foundation
import Media
import Scenarios

@testable import Engine

// Scenes and pixel helpers shared by the rendering tests.

let grey = SceneColor(red: 0.55, green: 0.55, blue: 0.5)
let sky = SceneColor(red: 0.2, green: 0.3, blue: 0.45)
let red = SceneColor(red: 0.85, green: 0.1, blue: 0.1)
let blue = SceneColor(red: 0.1, green: 0.2, blue: 0.9)

/// Camera 3 m in front of the origin at 1 m height, looking down slightly.
let standardCamera = CameraSpec(
  fieldOfViewDegrees: 40, position: Vector3(0, 1, 3), lookAt: Vector3(0, 0.5, 0))

/// A small scene, 128×128 so debug-build tests stay fast.
func scene(
  _ objects: [ObjectSpec], seconds: Double = 0.1, fps: Double = 30, size: Int = 128, height: Int? = nil,
  floor: Bool = true, floorTexture: Texture? = nil, camera: CameraSpec = standardCamera, checks: [CheckSpec] = []
) -> Scenario {
  Scenario(
    id: "test/scene", prompt: "", clip: ClipSpec(seconds: seconds, fps: fps, width: size, height: height ?? size),
    camera: camera,
    world: WorldSpec(
      floor: floor ? FloorSpec(color: grey, texture: floorTexture) : nil, background: sky, objects: objects),
    checks: checks)
}

func sphere(at p: Vector3, radius: Double = 0.1, color: SceneColor = red, isStatic: Bool = true)
  -> ObjectSpec
{
  ObjectSpec(name: "ball", shape: .sphere(radius: radius), color: color, position: p, isStatic: isStatic)
}

func code(_ c: Double) -> Int { Int((c * 255).rounded()) }

func encode(_ c: SceneColor) -> [Int] { [code(c.red), code(c.green), code(c.blue)] }

func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [Int] {
  let p = image[x, y]
  return [Int(p.r), Int(p.g), Int(p.b)]
}

func maxDifference(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).map { abs($0 - $1) }.max()! }

func srgbToLinear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
func linearToSRGB(_ c: Double) -> Double { c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055 }

