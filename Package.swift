// swift-tools-version:6.0
// Plumbline: an evaluation harness for video world models.
//
// Targets follow the data flow in DESIGN: Scenarios → Generators (Engine) → Clip (Media)
// → Analysis → Runs → Reports, with one C kernel module shared by Engine and Analysis.
import PackageDescription

let package = Package(
  name: "Plumbline",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "plumb", targets: ["plumb"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
  ],
  targets: [
    .target(name: "CKernels"),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
    .target(name: "Media", dependencies: ["CKernels", "CPNG"]),
    .target(name: "Scenarios", dependencies: ["Yams"]),
    .target(name: "Engine", dependencies: ["CKernels", "Media", "Scenarios"]),
    .target(name: "Generators", dependencies: ["Engine", "Media", "Scenarios"]),
    .target(name: "Analysis", dependencies: ["CKernels", "Media", "Scenarios"]),
    .target(name: "Runs", dependencies: ["Generators", "Analysis", "Engine", "Media", "Scenarios", "CSQLite"]),
    .target(name: "Reports", dependencies: ["Runs", "Analysis", "Media", "Scenarios"]),
    .target(
      name: "PlumbCLI",
      dependencies: [
        "Runs", "Reports", "Generators", "Analysis", "Scenarios", "Media", "Engine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "plumb", dependencies: ["PlumbCLI"]),
    .testTarget(name: "MediaTests", dependencies: ["Media", "CKernels"]),
    .testTarget(name: "ScenariosTests", dependencies: ["Scenarios"]),
    .testTarget(name: "EngineTests", dependencies: ["Engine", "Media", "Scenarios", "CKernels"]),
    .testTarget(
      name: "AnalysisTests", dependencies: ["Analysis", "Engine", "Generators", "Media", "Scenarios"]),
    .testTarget(name: "GeneratorsTests", dependencies: ["Generators", "Media", "Scenarios", "Engine"]),
    .testTarget(name: "RunsTests", dependencies: ["Runs", "Analysis", "Scenarios"]),
    .testTarget(
      name: "PlumbTests",
      dependencies: [
        "PlumbCLI", "Runs", "Reports", "Media", "Engine", "Scenarios", "Generators", "Analysis", "plumb",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
  ]
)
