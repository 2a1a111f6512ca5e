// Command embedded-db runs FerretDB on its SQLite backend so that Tandem can
// start with a local MongoDB-compatible database and no other services.
//
// It listens on the Unix socket -unix or, without it, on the TCP address
// -listen (port 0 picks a free port), prints one line "READY <mongodb uri>" on
// stdout once it accepts connections, and runs until it receives SIGTERM or
// SIGINT, or until its standard input closes (so it never outlives the server
// that started it). Everything it creates (database files, the socket) is
// readable and writable by its own user only.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on, without -unix")
	unix := flag.String("unix", "", "Unix socket path to listen on instead of TCP")
	dataDir := flag.String("data", "data", "directory for the SQLite database files")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when standard input closes")
	flag.Parse()

	if err := run(*listen, *unix, *dataDir, *logLevel, *watchStdin); err != nil {
		fmt.Fprintln(os.Stderr, "embedded-db:", err)
		os.Exit(1)
	}
}

func run(listen, unix, dataDir, logLevel string, watchStdin bool) error {
	// Patient data: no other user of the machine may read the files or connect.
	syscall.Umask(0o077)

	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q", logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	listener := ferretdb.ListenerConfig{TCP: listen}
	if unix != "" {
		// A socket left by a database that was killed would block the listener.
		_ = os.Remove(unix)
		listener = ferretdb.ListenerConfig{Unix: unix}
	}

	// FerretDB wants a directory URI with a trailing slash.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	uri := f.MongoDBURI()
	if unix != "" {
		// MongoDB drivers take a socket path, percent-encoded, as the host.
		uri = "mongodb://" + url.PathEscape(unix) + "/"
	}
	fmt.Printf("READY %s\n", uri)

	return <-done
}
