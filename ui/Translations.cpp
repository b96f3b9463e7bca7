#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace ui {

QString Translations::install(const QString &language) {
    static QTranslator *ours = nullptr;
    static QTranslator *qt = nullptr;
    for (QTranslator **t : {&ours, &qt}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    auto *translator = new QTranslator;
    // QTranslator::load(QLocale, …) tries the locale's UI languages in order (de_AT → de → …).
    // No translation for the locale: English, whose .qm carries the plural forms.
    if (translator->load(locale, QStringLiteral("gmail-sync-admin"), QStringLiteral("_"),
                         QStringLiteral(":/i18n")) ||
        translator->load(QStringLiteral(":/i18n/gmail-sync-admin_en.qm"))) {
        QCoreApplication::installTranslator(translator);
        ours = translator;
    } else {
        delete translator;
    }
    auto *qtTranslator = new QTranslator;
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qtTranslator);
        qt = qtTranslator;
    } else {
        delete qtTranslator;
    }
    QLocale::setDefault(locale);
    if (!ours)
        return QStringLiteral("en");
    return ours->language().section(QLatin1Char('_'), 0, 0);
}

} // namespace ui
