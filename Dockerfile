# syntax=docker/dockerfile:1
#
# PopBox image: the popbox binary on Alpine, run as an unprivileged user.
#   docker build -t popbox .
#   docker run --rm -p 8080:8080 popbox            # both roles, memory broker
#   docker run --rm popbox --role worker --broker redis   (POPBOX_REDIS_URL=...)

# ---- build: a static binary -------------------------------------------------
FROM golang:1.26-alpine AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/popbox ./cmd/popbox

# ---- run: small, non-root ---------------------------------------------------
# Alpine rather than scratch: its busybox wget serves the Compose health
# checks, and ca-certificates lets popbox reach TLS endpoints (rediss://,
# https OTLP collectors).
FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S -g 10001 popbox \
 && adduser -S -D -H -u 10001 -G popbox popbox \
 && mkdir -p /var/lib/popbox/reports \
 && chown -R popbox:popbox /var/lib/popbox
COPY --from=build /out/popbox /usr/local/bin/popbox
USER 10001:10001
WORKDIR /var/lib/popbox
ENV POPBOX_HTTP_ADDR=:8080 \
    POPBOX_METRICS_ADDR=:9091 \
    POPBOX_REPORT_DIR=/var/lib/popbox/reports \
    POPBOX_LOG_FORMAT=json
EXPOSE 8080 9091
ENTRYPOINT ["/usr/local/bin/popbox"]
