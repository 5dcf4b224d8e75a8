# docker buildx bake: the gateway's image for every Pi and PC (docs/docker.md).
#   docker buildx bake            # all three platforms, into the build cache
#   VERSION=0.1.0 docker buildx bake --push
variable "VERSION" {
  default = "0.1.0"
}
variable "REGISTRY" {
  default = "ghcr.io/econet-gm3"
}

group "default" {
  targets = ["gateway"]
}

target "gateway" {
  context    = "."
  dockerfile = "Dockerfile"
  platforms  = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
  args = {
    VERSION = "${VERSION}"
    SOURCE  = "https://github.com/econet-gm3/econet-gm3-gateway"
  }
  tags = ["${REGISTRY}/econet-gm3-gateway:${VERSION}", "${REGISTRY}/econet-gm3-gateway:latest"]
}
