import LambdaRuntime
import SMSSender

// The CustomSMSSender Lambda (built as `bootstrap`): wiring only. Lambda.main, not an async main: see
// its documentation for why a shipped bootstrap must not end its main thread.
Lambda.main { context in
    try CustomSenderHandler.make(environment: context.environment, logger: context.logger)
}
