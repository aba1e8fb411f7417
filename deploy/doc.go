// Package deploy checks the deployment files at the repository's root,
// docker-compose.yml and Dockerfile, without Docker: the compose file is loaded with
// the Compose Specification's loader (compose-go) and the Dockerfile's build is
// reproduced with the local Go toolchain. It is its own module so that the bot's
// go.mod does not carry compose-go.
package deploy
