import Foundation
import Testing

@testable import NumaflowCore

@Suite struct AllocatorSettingTests {
  @Test func anEmptyEnvironmentLeavesBothToTheServer() {
    #expect(AllocatorSetting.unset(in: [:]) == [.arenaMax, .topPad])
  }

  @Test func aVariableSetEvenToNothingIsTheOperatorsChoice() {
    #expect(AllocatorSetting.unset(in: ["MALLOC_ARENA_MAX": "8"]) == [.topPad])
    // glibc reads an empty MALLOC_TOP_PAD_ as a pad of 0: still a choice the server keeps.
    #expect(AllocatorSetting.unset(in: ["MALLOC_TOP_PAD_": ""]) == [.arenaMax])
  }

  @Test func aTunableForTheSameSettingWins() {
    #expect(AllocatorSetting.unset(in: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=0:glibc.malloc.arena_max=4"]).isEmpty)
    #expect(AllocatorSetting.unset(in: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"]) == [.topPad])
    // Another tunable whose name begins the same is not this one.
    #expect(
      AllocatorSetting.unset(in: ["GLIBC_TUNABLES": "glibc.malloc.arena_test=1:glibc.malloc.tcache_count=0"])
        == [.arenaMax, .topPad])
  }

  @Test func theValuesAreTheImagesOwn() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Docker/runtime.env")
    let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
    let image = Dictionary(
      uniqueKeysWithValues: lines.compactMap { line -> (String, String)? in
        let parts = line.split(separator: "=", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
      })
    for setting in AllocatorSetting.allCases {
      #expect(image[setting.variable] == String(setting.value), "\(setting.variable)")
    }
  }

  #if canImport(Glibc)
  /// Sets the image's values in the test process, which is harmless: what this checks is that
  /// the shim reaches glibc's `mallopt` instead of compiling to its no-op.
  @Test func glibcTakesEverySetting() {
    for setting in AllocatorSetting.allCases {
      #expect(setting.apply(), "\(setting.variable)")
    }
  }
  #endif
}
