import Foundation
import TestSupport

/// Paths the tests read: the package root (from this file's location) and ../shared beside it.
enum TestPaths {
    static let packageRoot = BuiltProducts.packageRoot
    static let sharedVectors = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")
}
