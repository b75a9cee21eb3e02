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

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/leakhound /usr/local/bin/leakhound
WORKDIR /repo
USER nonroot
ENTRYPOINT ["leakhound"]
CMD ["scan", "."]
