import Foundation

// Not an async main: on Linux that ends the main thread with pthread_exit, and glibc's
// pthread_exit loads libgcc_s.so.1, which a runner with nothing but glibc (the archived CLI's
// promise, as Lambda's provided.al2023) lacks. The main thread parks; the command ends the process
// (ArgumentParser exits itself on an error, with the command's status).
Task.detached {
    await SMSRedirect.main()
    exit(0)
}
while true { pause() }
