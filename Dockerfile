# leakhound in a container: a static-glibc build stage, then a distroless runtime with no
# shell and no package manager, running as a non-root user. The entrypoint is leakhound
# itself; mount the repository at /repo:
#   docker build -t leakhound .
#   docker run --rm -v "$PWD:/repo" --user "$(id -u)" leakhound scan .
#   docker run --rm -v "$PWD:/repo" --user "$(id -u)" leakhound history --range main..HEAD
# (--user: git refuses repositories owned by another user.)
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/leakhound

# `docker build --target audit`: leakhound with git and a shell, for `leakhound audit`
# (it clones repositories named by URL with git) and scheduler recipes that compute a shard.
FROM debian:bookworm-slim AS audit
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/leakhound /usr/local/bin/leakhound
USER 65532:65532
ENTRYPOINT ["leakhound"]
CMD ["--help"]

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/leakhound /usr/local/bin/leakhound
WORKDIR /repo
USER nonroot
ENTRYPOINT ["leakhound"]
CMD ["scan", "."]
