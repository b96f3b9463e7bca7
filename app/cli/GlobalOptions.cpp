#include "GlobalOptions.h"

namespace cli {

namespace {

struct Spec {
    const char *option;
    const char *env;
    const char *valueName;
    const char *description;
    QString GlobalOptions::*field;
};

const Spec kSpecs[] = {
    {"database", "GMAIL_SYNC_DATABASE_URL", "url",
     "PostgreSQL URL (postgresql://user@host:port/db; keep passwords out of argv: use the environment "
     "variable or ~/.pgpass). Default: a private cluster this program starts.",
     &GlobalOptions::databaseUrl},
    {"gmail-api-url", "GMAIL_SYNC_GMAIL_API_URL", "url", "Gmail API base URL.", &GlobalOptions::gmailApiUrl},
    {"oauth-token-url", "GMAIL_SYNC_OAUTH_TOKEN_URL", "url", "OAuth 2.0 token endpoint.",
     &GlobalOptions::oauthTokenUrl},
    {"oauth-auth-url", "GMAIL_SYNC_OAUTH_AUTH_URL", "url", "OAuth 2.0 authorization endpoint.",
     &GlobalOptions::oauthAuthUrl},
    {"pubsub-url", "GMAIL_SYNC_PUBSUB_URL", "url", "Cloud Pub/Sub API base URL.", &GlobalOptions::pubsubUrl},
    {"key-file", "GMAIL_SYNC_KEY_FILE", "path", "File holding the master key that seals stored credentials.",
     &GlobalOptions::keyFile},
};

} // namespace

GlobalOptions GlobalOptions::fromEnvironment() {
    GlobalOptions o;
    o.gmailApiUrl = defaultGmailApiUrl();
    o.oauthTokenUrl = defaultOAuthTokenUrl();
    o.oauthAuthUrl = defaultOAuthAuthUrl();
    o.pubsubUrl = defaultPubsubUrl();
    for (const Spec &spec : kSpecs) {
        const QString value = qEnvironmentVariable(spec.env);
        if (!value.isEmpty())
            o.*spec.field = value;
    }
    return o;
}

QList<QCommandLineOption> GlobalOptions::commandLineOptions() {
    QList<QCommandLineOption> options;
    for (const Spec &spec : kSpecs) {
        options.append(QCommandLineOption(QString::fromLatin1(spec.option),
                                          QString::fromLatin1(spec.description) + QStringLiteral(" [env ") +
                                              QString::fromLatin1(spec.env) + QLatin1Char(']'),
                                          QString::fromLatin1(spec.valueName)));
    }
    return options;
}

void GlobalOptions::applyFrom(const QCommandLineParser &parser) {
    for (const Spec &spec : kSpecs) {
        const QString name = QString::fromLatin1(spec.option);
        if (parser.isSet(name))
            this->*spec.field = parser.value(name);
    }
}

} // namespace cli
