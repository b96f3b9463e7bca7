#pragma once

#include <QString>

class QCoreApplication;

namespace ui {

// Installs the compiled-in translations (:/i18n/gmail-sync-admin_<lang>.qm, built by qt_add_translations)
// and Qt's own for the language: `language` ("de", "en"), or the system locale when empty.
class Translations final {
public:
    Translations() = delete;

    // Returns the language installed ("en" when nothing better matched).
    static QString install(const QString &language);
};

} // namespace ui
