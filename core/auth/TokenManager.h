#pragma once

#include "auth/CredentialStore.h"
#include "common/AccessTokenProvider.h"
#include "crypto/Vault.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace auth {

// Access tokens for one tenant's Gmail integration (implements common::AccessTokenProvider).
//  * oauth: the refresh_token grant at the configured token URL (RFC 6749 §6; Google's form POST
//    with client_id/client_secret); a new refresh_token in the answer replaces the stored one.
//  * service_account: the JWT bearer grant (RFC 7523; developers.google.com/identity/protocols/oauth2/
//    service-account) signed with the key file's private key, iss = client_email, sub = the
//    "subject" in the keys or the tenant's Gmail address, aud = token_uri, exp = iat + 1 h.
// A token is reused until fewer than refreshMargin (5 min) remain. One refresh per tenant is in
// flight at a time: other threads wait for it and share its result. invalid_grant (and
// unauthorized_client) marks the integration needs_reauth with a reason that says to reconnect, and
// is permanent: no further token requests are made. A transient failure is remembered for
// failureBackoff, so a burst of callers does not become a burst of token requests.
// Each refresh reads the integration through CredentialStore on the calling thread's connection.
class TokenManager final : public common::AccessTokenProvider {
public:
    struct Params {
        QString tenantId;
        QUrl oauthTokenUrl = QUrl(QStringLiteral("https://oauth2.googleapis.com/token"));
        // Service accounts: the scopes to request (Gmail API read access by default).
        QStringList scopes = {QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")};
        std::chrono::seconds refreshMargin = std::chrono::minutes(5);
        std::chrono::milliseconds failureBackoff = std::chrono::seconds(2);
        std::chrono::milliseconds timeout = std::chrono::seconds(30);
        // After a permanent failure, how often to look (one row read, no token request) whether an
        // admin has stored new keys since, which ends the failure without restarting the process.
        std::chrono::milliseconds permanentRecheck = std::chrono::minutes(1);
    };

    // The vault (copied) must hold the keys the integration is sealed with.
    TokenManager(Params params, const crypto::Vault &vault);

    // The process-wide manager of params.tenantId (created on first use with these params), so all
    // threads of a process share one token and one refresh in flight per tenant.
    static std::shared_ptr<TokenManager> sharedFor(const Params &params, const crypto::Vault &vault);

    std::optional<QString> accessToken(bool forceRefresh, QString *error, bool *permanent) override;

    // Token endpoint requests made so far (tests: no retry storm).
    int tokenRequests() const;

private:
    struct Outcome {
        QString token;
        QDateTime expiresAt;
        QString error;
        bool permanent = false;
        bool fromRequest = false; // fresh from the token endpoint (not a stored token)
        QByteArray envelope;      // the sealed keys this outcome was computed from
    };
    Outcome refresh(bool force);
    Outcome refreshOAuth(const CredentialStore::Credentials &credentials, bool force);
    Outcome refreshServiceAccount(const QJsonObject &keys);
    // POSTs a form; returns the HTTP status (0: no answer) and the JSON body.
    int post(const QUrl &url, const QByteArray &form, QJsonObject *json, QString *networkError);
    Outcome grantFailure(int status, const QJsonObject &json, const QString &networkError,
                         const QString &what);
    bool fresh(const QDateTime &now) const;  // more than refreshMargin left
    bool usable(const QDateTime &now) const; // not yet expired (30 s to spare)
    bool keysReplacedSince(const QByteArray &envelope) const;
    // After a permanent failure (m_permanent, lock held): true while it stands; false when an admin has
    // stored new keys since (then *forceRefresh) or another thread cleared it. May unlock to read the row.
    bool stillPermanent(std::unique_lock<std::mutex> &lock, const QDateTime &now, bool *forceRefresh);
    void remember(const Outcome &outcome); // a refresh's result, lock held

    Params m_params;
    const crypto::Vault m_vault;

    mutable std::mutex m_mutex;
    std::condition_variable m_refreshed;
    bool m_refreshing = false;
    quint64 m_generation = 0; // completed refreshes
    QString m_token;
    QDateTime m_expiresAt;
    QDateTime m_obtainedAt;
    bool m_tokenFromRequest = false;
    QString m_lastError;
    bool m_permanent = false;
    QByteArray m_failedEnvelope;
    QDateTime m_failedAt;
    int m_requests = 0;
};

} // namespace auth
