#pragma once

#include <QString>

#include <optional>

namespace db {

// Where the database is, parsed from a libpq-style connection URI
// (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING, "Connection URIs").
// A host that starts with '/' is a Unix socket directory.
struct ConnectionSettings final {
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    // Further libpq keywords (sslmode, connect_timeout, ...) as QPSQL connect options: "k=v;k=v".
    QString options;

    // postgresql://user:pw@host:5432/db, postgres://..., Unix socket forms postgresql:///db?host=/run/pg
    // and postgresql://user@%2Frun%2Fpg/db. A bad URL gives nullopt and a one-line *error.
    static std::optional<ConnectionSettings> fromUrl(const QString &url, QString *error);

    // The same place as a URL with the password (and any *password option) replaced by "***".
    QString redactedUrl() const;

    // `options` plus the product's libpq defaults for every keyword the URL did not set itself (an
    // operator's ?connect_timeout=… wins): connect_timeout=5 (s), keepalives=1, keepalives_idle=10,
    // keepalives_interval=5, keepalives_count=3 (s) and tcp_user_timeout=30000 (ms), so a dead server or a
    // cut network is noticed within about 30 s even while a statement waits (libpq-connect §34.1.2;
    // libpq ignores the TCP ones on Unix sockets). What Database and probes pass to QPSQL.
    QString connectOptions() const;
    // Whether `options` sets this libpq keyword, or (for a GUC such as statement_timeout) names it in
    // its `options=-c name=value` keyword.
    bool hasOption(const QString &keyword) const;

    bool isUnixSocket() const { return host.startsWith(QLatin1Char('/')); }

    bool operator==(const ConnectionSettings &other) const = default;
};

} // namespace db
