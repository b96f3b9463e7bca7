#include "ParseCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "gmail/MessageParser.h"
#include "sync/MessageMapper.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace cli {

namespace {

// A file as Gmail would hand it over: format=raw bytes, the file name as id.
gmail::RawMessage messageFromFile(const QString &path, QFile &file) {
    gmail::RawMessage m;
    m.id = QFileInfo(path).fileName();
    m.threadId = m.id;
    m.raw = file.readAll();
    m.sizeEstimate = m.raw.size();
    // Gmail's internalDate stands in only where the Date header is missing or unreadable.
    m.internalDate = QFileInfo(path).lastModified().toMSecsSinceEpoch();
    return m;
}

// What a sync would do with a message the parser refuses: no row, a recorded failure with this reason.
void showRefused(const QString &path, const db::FailedMessage &refused, bool json, QJsonArray *array,
                 QTextStream &out) {
    if (json) {
        array->append(QJsonObject{{QStringLiteral("file"), path},
                                  {QStringLiteral("failed"), db::MessageFailure::kindName(refused.kind)},
                                  {QStringLiteral("error"), refused.error}});
        return;
    }
    out << path << "\n  not stored:  " << refused.error << " (recorded as a failed message, kind "
        << db::MessageFailure::kindName(refused.kind) << ")\n";
}

void showRecord(const QString &path, const db::EmailRecord &r, bool json, QJsonArray *array,
                QTextStream &out) {
    if (json) {
        QJsonObject o = JsonFormat::email(r);
        o.insert(QStringLiteral("file"), path);
        o.insert(QStringLiteral("parseWarnings"), QJsonArray::fromStringList(r.parseWarnings));
        array->append(o);
        return;
    }
    const QString from = JsonFormat::sender(r);
    out << path << "\n"
        << "  date:        " << JsonFormat::isoDateTime(JsonFormat::emailDate(r)) << "\n"
        << "  from:        " << from << "\n"
        << "  to:          " << r.to.join(QStringLiteral(", ")) << "\n"
        << "  subject:     " << r.subject << "\n"
        << "  bodies:      text " << r.bodyText.size() << " chars, html " << r.bodyHtml.size() << " chars\n"
        << "  attachments: " << QJsonDocument::fromJson(r.attachmentsJson).array().size() << "\n"
        << "  priority:    " << r.priority << "\n";
    for (const QString &w : r.parseWarnings)
        out << "  warning:     " << w << "\n";
}

} // namespace

int ParseCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print a JSON array (the emails --json shape plus "
                                                       "\"file\" and \"parseWarnings\")."));
    parser.addOption(jsonOption);
    if (const int rc = parse(context, parser, args, 1, -1); rc >= 0)
        return rc;

    const bool json = parser.isSet(jsonOption);
    const gmail::MessageParser messageParser;
    const syncengine::MessageMapper mapper(messageParser);
    QJsonArray array;
    QTextStream &out = context.out();
    for (const QString &path : parser.positionalArguments()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return context.fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        db::FailedMessage refused;
        const std::optional<db::EmailRecord> mapped = mapper.map(messageFromFile(path, file), &refused);
        if (mapped)
            showRecord(path, *mapped, json, &array, out);
        else
            showRefused(path, refused, json, &array, out);
    }
    if (json)
        out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
    out.flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ParseCommand)
