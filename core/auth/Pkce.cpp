#include "Pkce.h"

#include "Base64Url.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <algorithm>

namespace auth {

namespace {

bool isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

QByteArray Pkce::generateVerifier(int length) {
    length = std::clamp(length, MinVerifierLength, MaxVerifierLength);
    // 64 symbols so that bounded(64) keeps the distribution uniform (6 bits of entropy per char).
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray verifier(length, Qt::Uninitialized);
    QRandomGenerator *rng = QRandomGenerator::system(); // OS CSPRNG, RFC 7636 §7.1
    for (int i = 0; i < length; ++i)
        verifier[i] = alphabet[rng->bounded(64)];
    return verifier;
}

bool Pkce::isValidVerifier(const QByteArray &verifier) {
    if (verifier.size() < MinVerifierLength || verifier.size() > MaxVerifierLength)
        return false;
    return std::all_of(verifier.cbegin(), verifier.cend(), isUnreserved);
}

QByteArray Pkce::challengeS256(const QByteArray &verifier) {
    return Base64Url::encode(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256));
}

bool Pkce::verifyS256(const QByteArray &verifier, const QByteArray &challenge) {
    const QByteArray expected = challengeS256(verifier);
    if (expected.size() != challenge.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ challenge[i]);
    return diff == 0;
}

} // namespace auth
