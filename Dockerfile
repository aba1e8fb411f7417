# Build: docker build -t intervision .   (docker-compose.yml does this for you)
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/intervision ./cmd/intervision

# distroless/static has CA certificates (for Slack and Discord) and runs as nonroot.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/intervision /intervision
USER nonroot:nonroot
# Slack HTTP Events API mode listens on SLACK_LISTEN_ADDR (":3000" by default).
EXPOSE 3000
ENTRYPOINT ["/intervision"]
