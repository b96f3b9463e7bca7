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

    bool isUnixSocket() const { return host.startsWith(QLatin1Char('/')); }

    bool operator==(const ConnectionSettings &other) const = default;
};

} // namespace db
