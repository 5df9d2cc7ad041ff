import CustomResource
import LambdaRuntime

// The custom-resource helper Lambda (built as `bootstrap`): wiring only. Lambda.main, not an async main: see
// its documentation for why a shipped bootstrap must not end its main thread.
Lambda.main { context in
    try HelperHandler.make(environment: context.environment, logger: context.logger)
}
