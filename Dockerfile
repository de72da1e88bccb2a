# The lumos binary as a static, non-root container image serving every
# built-in connector over HTTP (see docs/serve.md):
#
#   docker build -t lumos .
#   docker run --rm -p 8000:8000 -v "$PWD/token:/var/run/lumos/token:ro" lumos
#
# The final image holds the binary alone: no shell, no package manager.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/lumos .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lumos /lumos
USER 65532:65532
ENV LUMOS_SERVE_LISTEN=0.0.0.0:8000 \
    LUMOS_SERVE_TOKEN_FILE=/var/run/lumos/token \
    LUMOS_LOG_TO_STDOUT=true
EXPOSE 8000
ENTRYPOINT ["/lumos"]
CMD ["serve"]
