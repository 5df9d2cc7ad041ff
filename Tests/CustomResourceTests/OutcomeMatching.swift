/// The name of an enum value's case, payload left out: `.layersRestoreFailed(…)` → "layersRestoreFailed".
/// Tests compare outcomes by case with it, where a payload (an error) is not Equatable.
func caseName<T>(_ value: T) -> String {
    Mirror(reflecting: value).children.first?.label ?? String(describing: value)
}
