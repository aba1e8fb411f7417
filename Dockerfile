# Build: docker build -t intervision .   (docker-compose.yml does this for you)
# Images are pinned by version tag; docs/operations.md says how to pin them by digest.
# The Go patch release matches go.mod's go line (deploy/dockerfile_test.go checks it).
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/intervision ./cmd/intervision

# distroless/static has CA certificates (for Slack and Discord), no shell, and runs as
# nonroot (uid 65532). Debian 12 is in the name; pin the digest for a fixed build.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/intervision /intervision
USER nonroot:nonroot
# Slack HTTP Events API mode listens on SLACK_LISTEN_ADDR (":3000" by default); the
# operations listener (INTERVISION_OPS_ADDR, ":9090" in docker-compose.yml) on 9090.
EXPOSE 3000 9090
# The container's healthcheck is the binary itself: /intervision healthcheck.
ENTRYPOINT ["/intervision"]
