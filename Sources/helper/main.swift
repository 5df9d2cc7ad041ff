import CustomResource
import LambdaRuntime

// The custom-resource helper Lambda (built as `bootstrap`): wiring only.
await Lambda.run { context in
    try HelperHandler.make(environment: context.environment, logger: context.logger)
}
