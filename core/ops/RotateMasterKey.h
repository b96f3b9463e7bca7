#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace ops {

// Master-key rotation: a new key (from or into a key file, or generated and kept in the OS keychain), every
// integration re-sealed under it in one transaction, then the keychain's current key switched. Every key
// the stored rows name must be obtainable before anything changes. Synchronous, on the calling thread's
// connection.
class RotateMasterKey final {
public:
    struct Request {
        QString keyFileOption; // as crypto::KeyProviderChain::standard (--key-file)
        // Where the new key is (a 0600 key file) or is to be written (created with a fresh key). Empty: a
        // fresh key parked in the keychain, which must then be the active source.
        QString newKeyFile;
        QString actor; // who rotates, for the audit trail (empty: the OS user running this process)
    };
    struct Result {
        bool ok = false;
        QString error;                // user-facing
        bool needsNewKeyFile = false; // the active source cannot be changed: ask for a new key file
        std::optional<int> resealed;  // set once the rows are re-sealed (even if a later step failed)
        QString newKeyId;
        QStringList previousKeyIds;   // the keys the rows named before
        bool keychainCurrent = false; // the keychain now holds the new key as current
    };

    RotateMasterKey() = delete;

    static Result run(const Request &request);

private:
    static Result rotate(const Request &request);
};

} // namespace ops
