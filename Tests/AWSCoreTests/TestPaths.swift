import Foundation

/// Paths the tests read: the package root (from this file's location) and ../shared beside it.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedVectors = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")
}
