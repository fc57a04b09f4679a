# archdoc in a small image: a static musl build, copied into an empty image with only the
# CA roots, run as a non-root user.
#
#   docker build -t archdoc .
#   docker run --rm -v "$PWD:/work" -w /work archdoc check models/
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY themes ./themes
# `archdoc init` writes this model; it is compiled into the binary.
COPY models/simple-web-stack.yaml ./models/
COPY benches ./benches
RUN cargo build --release --locked --bin archdoc && strip target/release/archdoc

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /src/target/release/archdoc /usr/local/bin/archdoc
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/archdoc"]
CMD ["--help"]
