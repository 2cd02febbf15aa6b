/*
 * dms-health-client: a minimal DMS client written in C.
 *
 * It proves that a program in another language can use DMS with nothing but the published
 * contract (Protos/dms/v1/frame.proto, health.proto), a stock protobuf library (protobuf-c) and
 * a stock TLS library (OpenSSL): TLS 1.2+ with CA and host-name verification, frames made of a
 * 4-byte big-endian length and one dms.v1.Frame, a unary call without a token, server streams
 * with a bearer token, cancellation, and refusal of a stream without a token.
 *
 * Usage: DMS_TOKEN=dms_... dms-health-client HOST PORT CA_PEM_FILE
 * Build: Tests/CClient/build.sh OUTDIR   (generates the protobuf-c code into OUTDIR)
 * Prints one line per step and "ALL OK" (exit 0); on failure, a "FAIL:" line on stderr (exit 1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dms/v1/frame.pb-c.h"
#include "dms/v1/health.pb-c.h"

#define MAX_FRAME_BYTES (4u * 1024u * 1024u) /* the server's default frame limit */
#define IO_TIMEOUT_SECONDS 10                /* give up if the server is silent this long */
#define HEALTH_METHOD "dms.v1.HealthService/Health"
#define WATCH_METHOD "dms.v1.HealthService/WatchHealth"
#define CLIENT_NAME "dms-health-client (C, protobuf-c)"

typedef Dms__V1__Frame Frame;
typedef Dms__V1__HealthResponse HealthResponse;

static int sock = -1;
static SSL_CTX *ctx;
static SSL *ssl;

static void cleanup(int graceful) {
    if (ssl) {
        if (graceful) SSL_shutdown(ssl);
        SSL_free(ssl);
        ssl = NULL;
    }
    if (ctx) SSL_CTX_free(ctx);
    ctx = NULL;
    if (sock >= 0) close(sock);
    sock = -1;
}

static void die(const char *fmt, ...) {
    va_list ap;
    unsigned long e;
    char buf[256];
    fflush(stdout);
    fputs("dms-health-client: FAIL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        fprintf(stderr, "  openssl: %s\n", buf);
    }
    cleanup(0);
    exit(1);
}

static const char *enum_name(const ProtobufCEnumDescriptor *d, int value) {
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(d, value);
    return v ? v->name : "UNRECOGNIZED";
}

static const char *frame_type_name(const Frame *f) {
    return enum_name(&dms__v1__frame__type__descriptor, f->type);
}

static const char *status_name(const Frame *f) { /* an absent Status means OK (code 0) */
    return enum_name(&dms__v1__status__code__descriptor, f->status ? f->status->code : 0);
}

/* ---- TCP + TLS ------------------------------------------------------------------------------ */

static void connect_tls(const char *host, const char *port, const char *ca_file) {
    static const unsigned char alpn[] = "\x05" "dms/1";
    struct addrinfo hints, *res, *ai;
    struct timeval tv = {IO_TIMEOUT_SECONDS, 0};
    unsigned char ip[16];
    int rc, saved_errno = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
        die("cannot resolve %s port %s: %s", host, port, gai_strerror(rc));
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        sock = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (sock < 0) continue;
        if (connect(sock, ai->ai_addr, ai->ai_addrlen) == 0) break;
        saved_errno = errno;
        close(sock);
        sock = -1;
    }
    freeaddrinfo(res);
    if (sock < 0) die("cannot connect to %s port %s: %s", host, port, strerror(saved_errno));
    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) die("SSL_CTX_new failed");
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) die("cannot require TLS 1.2");
    if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
        die("cannot load CA certificates from %s", ca_file);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn - 1) != 0) die("cannot set ALPN");

    if ((ssl = SSL_new(ctx)) == NULL) die("SSL_new failed");
    if (inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1) {
        /* IP literal: check it against the certificate's IP SANs; SNI must not carry an IP. */
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) != 1)
            die("cannot set expected IP %s", host);
    } else if (SSL_set_tlsext_host_name(ssl, host) != 1 || SSL_set1_host(ssl, host) != 1) {
        die("cannot set expected host name %s", host);
    }
    if (SSL_set_fd(ssl, sock) != 1) die("SSL_set_fd failed");
    if (SSL_connect(ssl) != 1) {
        long vr = SSL_get_verify_result(ssl);
        if (vr != X509_V_OK)
            die("server certificate not accepted for %s: %s", host, X509_verify_cert_error_string(vr));
        die("TLS handshake with %s port %s failed", host, port);
    }
}

static void write_all(const unsigned char *p, size_t len) {
    while (len > 0) {
        int n = SSL_write(ssl, p, len > INT_MAX ? INT_MAX : (int)len);
        if (n <= 0) die("write to server failed (SSL error %d)", SSL_get_error(ssl, n));
        p += n;
        len -= (size_t)n;
    }
}

static void read_exact(unsigned char *p, size_t len) {
    while (len > 0) {
        int n = SSL_read(ssl, p, len > INT_MAX ? INT_MAX : (int)len);
        if (n <= 0) {
            int err = SSL_get_error(ssl, n);
            if (err == SSL_ERROR_ZERO_RETURN) die("server closed the connection");
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ||
                (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)))
                die("no data from the server for %d s", IO_TIMEOUT_SECONDS);
            die("read from server failed (SSL error %d)", err);
        }
        p += n;
        len -= (size_t)n;
    }
}

/* ---- Frames --------------------------------------------------------------------------------- */

/* Sends one frame; method, token and payload may be NULL. */
static void send_frame(Dms__V1__Frame__Type type, uint64_t call_id, const char *method,
                       const char *token, const ProtobufCMessage *payload) {
    Frame f = DMS__V1__FRAME__INIT;
    Dms__V1__Frame__MetadataEntry client = DMS__V1__FRAME__METADATA_ENTRY__INIT;
    Dms__V1__Frame__MetadataEntry auth = DMS__V1__FRAME__METADATA_ENTRY__INIT;
    Dms__V1__Frame__MetadataEntry *md[2];
    char *bearer = NULL;
    unsigned char *buf;
    size_t n;

    f.type = type;
    f.call_id = call_id;
    if (method != NULL) {
        f.method = (char *)method;
        client.key = "client";
        client.value = CLIENT_NAME;
        md[f.n_metadata++] = &client;
    }
    if (token != NULL) {
        n = strlen("Bearer ") + strlen(token) + 1;
        if ((bearer = malloc(n)) == NULL) die("out of memory");
        snprintf(bearer, n, "Bearer %s", token);
        auth.key = "authorization";
        auth.value = bearer;
        md[f.n_metadata++] = &auth;
    }
    f.metadata = f.n_metadata > 0 ? md : NULL;
    if (payload != NULL) {
        f.payload.len = protobuf_c_message_get_packed_size(payload);
        if ((f.payload.data = malloc(f.payload.len + 1)) == NULL) die("out of memory");
        protobuf_c_message_pack(payload, f.payload.data);
    }
    n = dms__v1__frame__get_packed_size(&f);
    if (n > MAX_FRAME_BYTES) die("frame of %zu bytes exceeds the limit", n);
    if ((buf = malloc(4 + n)) == NULL) die("out of memory");
    buf[0] = (unsigned char)(n >> 24);
    buf[1] = (unsigned char)(n >> 16);
    buf[2] = (unsigned char)(n >> 8);
    buf[3] = (unsigned char)n;
    dms__v1__frame__pack(&f, buf + 4);
    write_all(buf, 4 + n);
    free(buf);
    free(f.payload.data);
    free(bearer);
}

/* Reads the next non-keep-alive frame. Connection-level frames (call_id 0) are fatal here. */
static Frame *read_frame(void) {
    for (;;) {
        unsigned char hdr[4], *body;
        uint32_t n;
        Frame *f;

        read_exact(hdr, 4);
        n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
        if (n == 0) continue; /* keep-alive */
        if (n > MAX_FRAME_BYTES)
            die("server announced a frame of %u bytes, over the limit of %u", n, MAX_FRAME_BYTES);
        if ((body = malloc(n)) == NULL) die("out of memory");
        read_exact(body, n);
        f = dms__v1__frame__unpack(NULL, n, body); /* copies strings and bytes out of body */
        free(body);
        if (f == NULL) die("server sent %u bytes that are not a dms.v1.Frame", n);
        if (f->call_id == 0) {
            if (f->type == DMS__V1__FRAME__TYPE__GOAWAY) die("server sent GOAWAY");
            die("server ended the connection: %s %s \"%s\"", frame_type_name(f), status_name(f),
                f->status ? f->status->message : "");
        }
        return f;
    }
}

/* Next MESSAGE or END for call_id; frames of other (finished or forgotten) calls are dropped. */
static Frame *next_frame_for(uint64_t call_id) {
    for (;;) {
        Frame *f = read_frame();
        if (f->call_id == call_id) {
            if (f->type == DMS__V1__FRAME__TYPE__MESSAGE || f->type == DMS__V1__FRAME__TYPE__END)
                return f;
            die("call %llu: unexpected %s frame", (unsigned long long)call_id, frame_type_name(f));
        }
        dms__v1__frame__free_unpacked(f, NULL);
    }
}

static void expect_end(const Frame *f, Dms__V1__Status__Code want, const char *what) {
    Dms__V1__Status__Code got = f->status ? f->status->code : DMS__V1__STATUS__CODE__OK;
    if (f->type != DMS__V1__FRAME__TYPE__END)
        die("%s: expected END, got %s", what, frame_type_name(f));
    if (got != want)
        die("%s: expected status %s, got %s \"%s\"", what,
            enum_name(&dms__v1__status__code__descriptor, want), status_name(f),
            f->status ? f->status->message : "");
}

static HealthResponse *decode_health(const Frame *f, const char *what) {
    HealthResponse *h = dms__v1__health_response__unpack(NULL, f->payload.len, f->payload.data);
    if (h == NULL) die("%s: payload is not a dms.v1.HealthResponse", what);
    return h;
}

/* ---- The checks ----------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    Dms__V1__HealthRequest health_req = DMS__V1__HEALTH_REQUEST__INIT;
    Dms__V1__WatchHealthRequest watch_req = DMS__V1__WATCH_HEALTH_REQUEST__INIT;
    const char *token = getenv("DMS_TOKEN");
    HealthResponse *h;
    Frame *f;
    uint64_t items;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 4) {
        fprintf(stderr, "usage: DMS_TOKEN=... %s HOST PORT CA_PEM_FILE\n", argv[0]);
        return 1;
    }
    if (token == NULL || *token == '\0') die("DMS_TOKEN is not set (the token is never taken from argv)");
    signal(SIGPIPE, SIG_IGN);
    connect_tls(argv[1], argv[2], argv[3]);

    /* 1. Unary Health, no token: END OK with a HealthResponse payload. */
    send_frame(DMS__V1__FRAME__TYPE__REQUEST, 1, HEALTH_METHOD, NULL, &health_req.base);
    f = next_frame_for(1);
    expect_end(f, DMS__V1__STATUS__CODE__OK, "Health");
    h = decode_health(f, "Health");
    printf("health status=%s version=%s protocol=%s\n",
           enum_name(&dms__v1__health_response__serving_status__descriptor, h->status),
           h->version, h->protocol);
    dms__v1__health_response__free_unpacked(h, NULL);
    dms__v1__frame__free_unpacked(f, NULL);

    /* 2. WatchHealth with token, max_items 3: items with sequence 1, 2, 3, then END OK. */
    watch_req.interval_ms = 20;
    watch_req.max_items = 3;
    send_frame(DMS__V1__FRAME__TYPE__REQUEST, 2, WATCH_METHOD, token, &watch_req.base);
    for (items = 0; (f = next_frame_for(2))->type == DMS__V1__FRAME__TYPE__MESSAGE;) {
        h = decode_health(f, "WatchHealth");
        printf("watch item sequence=%llu\n", (unsigned long long)h->sequence);
        if (++items > 3 || h->sequence != items)
            die("WatchHealth: item %llu has sequence %llu (want 1, 2, 3 then END)",
                (unsigned long long)items, (unsigned long long)h->sequence);
        dms__v1__health_response__free_unpacked(h, NULL);
        dms__v1__frame__free_unpacked(f, NULL);
    }
    expect_end(f, DMS__V1__STATUS__CODE__OK, "WatchHealth");
    if (items != 3) die("WatchHealth: got %llu items, want 3", (unsigned long long)items);
    printf("watch end status=OK\n");
    dms__v1__frame__free_unpacked(f, NULL);

    /* 3. Endless WatchHealth: take 2 items, CANCEL, expect END CANCELLED (late items ignored). */
    watch_req.max_items = 0;
    send_frame(DMS__V1__FRAME__TYPE__REQUEST, 3, WATCH_METHOD, token, &watch_req.base);
    for (items = 0; items < 2; items++) {
        f = next_frame_for(3);
        if (f->type != DMS__V1__FRAME__TYPE__MESSAGE)
            die("endless WatchHealth ended after %llu items: %s \"%s\"", (unsigned long long)items,
                status_name(f), f->status ? f->status->message : "");
        h = decode_health(f, "endless WatchHealth");
        printf("cancel item sequence=%llu\n", (unsigned long long)h->sequence);
        dms__v1__health_response__free_unpacked(h, NULL);
        dms__v1__frame__free_unpacked(f, NULL);
    }
    send_frame(DMS__V1__FRAME__TYPE__CANCEL, 3, NULL, NULL, NULL);
    while ((f = next_frame_for(3))->type == DMS__V1__FRAME__TYPE__MESSAGE)
        dms__v1__frame__free_unpacked(f, NULL);
    expect_end(f, DMS__V1__STATUS__CODE__CANCELLED, "WatchHealth after CANCEL");
    printf("cancel end status=CANCELLED\n");
    dms__v1__frame__free_unpacked(f, NULL);

    /* 4. WatchHealth without a token: END UNAUTHENTICATED and no item. */
    watch_req.max_items = 1; /* should the server wrongly accept it, the stream still ends */
    send_frame(DMS__V1__FRAME__TYPE__REQUEST, 4, WATCH_METHOD, NULL, &watch_req.base);
    f = next_frame_for(4);
    expect_end(f, DMS__V1__STATUS__CODE__UNAUTHENTICATED, "WatchHealth without token");
    printf("unauthenticated ok\n");
    dms__v1__frame__free_unpacked(f, NULL);

    cleanup(1);
    printf("ALL OK\n");
    return 0;
}
