// The sender function's `bootstrap`: checks that the Encryption SDK layer is attached and hands
// the process over to the sender core it carries (/opt/smsredirect/sender-core). Without the
// layer it tells Lambda why, as an init error, instead of dying with a loader message.
// Plain C, so the function's own code is a few kilobytes and adds nothing to a cold start.
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *error_type = "Sender.EncryptionSDKLayerMissing";

// POSTs the init error to the Runtime API (host:port in AWS_LAMBDA_RUNTIME_API). Best effort:
// the exit status tells Lambda the rest.
static void post_init_error(const char *message) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL || *api == '\0') return;
    char host[256];
    const char *colon = strrchr(api, ':');
    if (colon == NULL || (size_t)(colon - api) >= sizeof host) return;
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';

    struct addrinfo hints = {0}, *address = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &address) != 0 || address == NULL) return;
    int fd = socket(address->ai_family, address->ai_socktype, address->ai_protocol);
    if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
        if (fd >= 0) close(fd);
        freeaddrinfo(address);
        return;
    }
    freeaddrinfo(address);

    char body[1024];
    int body_length = snprintf(body, sizeof body, "{\"errorType\":\"%s\",\"errorMessage\":\"%s\",\"stackTrace\":[]}", error_type, message);
    char request[2048];
    int length = snprintf(request, sizeof request,
                          "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: %s\r\nLambda-Runtime-Function-Error-Type: %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
                          api, error_type, body_length, body);
    if (length > 0 && (size_t)length < sizeof request) {
        ssize_t written = write(fd, request, (size_t)length);
        char answer[256];
        if (written == length) (void)read(fd, answer, sizeof answer);
    }
    close(fd);
}

int main(int argc, char **argv) {
    (void)argc;
    // A stand-in for /opt lets the packaging tests run the function as Lambda would.
    const char *root = getenv("SMSREDIRECT_LAYER_ROOT");
    if (root == NULL || *root == '\0') root = "/opt";
    char core[4096];
    if (snprintf(core, sizeof core, "%s/smsredirect/sender-core", root) >= (int)sizeof core) return 1;

    execv(core, argv);

    // Only reached when the core could not be started.
    char message[768];
    snprintf(message, sizeof message,
             "The Encryption SDK layer is missing: %s/smsredirect/sender-core could not be started (%s). "
             "Attach the encryption-sdk layer to this function: the stack's helper custom resource does, "
             "or run smsredirect attach --layer-arn with the layer version ARN.",
             root, strerror(errno));
    fprintf(stderr, "{\"level\":\"FATAL\",\"errorType\":\"%s\",\"message\":\"%s\"}\n", error_type, message);
    post_init_error(message);
    return 1;
}
