// The benchmark reference programs live in their own module so that the
// root module's "go test ./..." and "go vet ./..." never build them, and so
// that cobra-bare links nothing but Cobra. The versions match the root
// go.mod; run.sh checks that.
module github.com/jwtkit/jwtkit/bench

go 1.26.8

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/spf13/cobra v1.10.2
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
