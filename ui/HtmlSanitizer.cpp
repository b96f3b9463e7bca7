#include "HtmlSanitizer.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <gumbo.h>

#include <memory>
#include <optional>
#include <vector>

namespace ui {

namespace {

// Bounds on what a message can make the viewer do (QTextDocument lays nested tables out recursively).
constexpr int kMaxDepth = 48;                         // deeper elements are unwrapped (their text stays)
constexpr qsizetype kMaxInputChars = 4 * 1024 * 1024; // the rest of a larger body is not shown
constexpr qsizetype kMaxDataImageChars = 4 * 1024 * 1024;
constexpr qsizetype kMaxAttributeChars = 2048;

using Names = QSet<QByteArray>;

// Rendered as themselves (what QTextDocument's HTML subset supports and a mail needs).
const Names &allowedElements() {
    static const Names set{
        "a",      "abbr",  "acronym", "b",     "bdi",      "bdo",    "big", "blockquote", "br",    "caption",
        "center", "cite",  "code",    "col",   "colgroup", "dd",     "del", "dfn",        "div",   "dl",
        "dt",     "em",    "font",    "h1",    "h2",       "h3",     "h4",  "h5",         "h6",    "hr",
        "i",      "img",   "ins",     "kbd",   "li",       "nobr",   "ol",  "p",          "pre",   "q",
        "s",      "samp",  "small",   "span",  "strike",   "strong", "sub", "sup",        "table", "tbody",
        "td",     "tfoot", "th",      "thead", "tr",       "tt",     "u",   "ul",         "var"};
    return set;
}

const Names &voidElements() {
    static const Names set{"br", "hr", "img", "col"};
    return set;
}

// Dropped with everything inside them: active content, metadata, form controls, embedded documents.
const Names &droppedWithContent() {
    static const Names set{
        "script",  "style", "title",  "noscript", "template", "iframe",   "frame",   "frameset", "noframes",
        "object",  "embed", "applet", "param",    "textarea", "select",   "option",  "optgroup", "datalist",
        "audio",   "video", "source", "track",    "canvas",   "map",      "area",    "xmp",      "plaintext",
        "noembed", "input", "link",   "meta",     "base",     "basefont", "bgsound", "keygen",   "image",
        "svg",     "math",  "dialog", "portal",   "menuitem"};
    return set;
}

// Not allowed but structural: their content stays, in a <div> so the layout keeps its blocks.
const Names &unwrappedToDiv() {
    static const Names set{"address", "article", "aside",   "details", "fieldset", "figcaption",
                           "figure",  "footer",  "form",    "header",  "hgroup",   "legend",
                           "main",    "nav",     "section", "summary", "listing"};
    return set;
}

// Allowed CSS properties (values are further restricted by plainCssValue()).
const QSet<QString> &allowedCssProperties() {
    static const QSet<QString> set{QStringLiteral("background"),      QStringLiteral("background-color"),
                                   QStringLiteral("border"),          QStringLiteral("border-bottom"),
                                   QStringLiteral("border-collapse"), QStringLiteral("border-color"),
                                   QStringLiteral("border-left"),     QStringLiteral("border-right"),
                                   QStringLiteral("border-style"),    QStringLiteral("border-top"),
                                   QStringLiteral("border-width"),    QStringLiteral("color"),
                                   QStringLiteral("direction"),       QStringLiteral("font-family"),
                                   QStringLiteral("font-size"),       QStringLiteral("font-style"),
                                   QStringLiteral("font-variant"),    QStringLiteral("font-weight"),
                                   QStringLiteral("height"),          QStringLiteral("line-height"),
                                   QStringLiteral("list-style-type"), QStringLiteral("margin"),
                                   QStringLiteral("margin-bottom"),   QStringLiteral("margin-left"),
                                   QStringLiteral("margin-right"),    QStringLiteral("margin-top"),
                                   QStringLiteral("padding"),         QStringLiteral("padding-bottom"),
                                   QStringLiteral("padding-left"),    QStringLiteral("padding-right"),
                                   QStringLiteral("padding-top"),     QStringLiteral("text-align"),
                                   QStringLiteral("text-decoration"), QStringLiteral("text-indent"),
                                   QStringLiteral("text-transform"),  QStringLiteral("vertical-align"),
                                   QStringLiteral("white-space"),     QStringLiteral("width")};
    return set;
}

bool isAsciiWhitespace(QChar c) {
    // WHATWG Infra "ASCII whitespace": TAB, LF, FF, CR, SPACE.
    return c == u'\t' || c == u'\n' || c == u'\f' || c == u'\r' || c == u' ';
}

bool isControl(QChar c) {
    return c.unicode() < 0x20 || c.unicode() == 0x7f || (c.unicode() >= 0x80 && c.unicode() < 0xa0);
}

QString fromUtf8(const char *s) {
    return QString::fromUtf8(s);
}

// One escaper for text nodes and attribute values (always double-quoted by the serializer). Text keeps
// tabs and newlines and drops other controls (nothing to show, and parsers differ on them); attribute values
// also escape ' and turn controls into spaces, and are capped at kMaxAttributeChars.
enum class EscapeFor { Text, Attribute };

QString escape(const QString &in, EscapeFor context) {
    const bool attribute = context == EscapeFor::Attribute;
    const QString text = attribute ? in.left(kMaxAttributeChars) : in;
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += QLatin1String("&amp;");
            break;
        case u'<':
            out += QLatin1String("&lt;");
            break;
        case u'>':
            out += QLatin1String("&gt;");
            break;
        case u'"':
            out += QLatin1String("&quot;");
            break;
        case u'\'':
            out += attribute ? QString(QLatin1String("&#39;")) : QString(c);
            break;
        case u'\t':
        case u'\n':
        case u'\r':
            out += attribute ? QChar(u' ') : c;
            break;
        default:
            if (!isControl(c))
                out += c;
            else if (attribute)
                out += QChar(u' ');
        }
    }
    return out;
}

// WHATWG URL §4.4 (basic URL parser): leading/trailing C0 controls and spaces are stripped, tabs and
// newlines removed anywhere. Any other control character left inside: not a URL we accept.
std::optional<QString> cleanUrl(const QString &raw) {
    QString s;
    s.reserve(raw.size());
    for (const QChar c : raw)
        if (c != u'\t' && c != u'\n' && c != u'\r')
            s += c;
    qsizetype b = 0;
    qsizetype e = s.size();
    while (b < e && s.at(b).unicode() <= 0x20)
        ++b;
    while (e > b && s.at(e - 1).unicode() <= 0x20)
        --e;
    s = s.mid(b, e - b);
    for (const QChar c : s)
        if (isControl(c))
            return std::nullopt;
    return s;
}

// A simple attribute value: `pattern` must match the whole (trimmed) value.
QString simpleValue(const QString &value, const QRegularExpression &pattern) {
    const QString v = value.trimmed();
    return pattern.match(v).hasMatch() ? v : QString();
}

bool cssLooksRemote(const QString &text) {
    QString squeezed;
    for (const QChar c : text)
        if (!c.isSpace() && !isControl(c))
            squeezed += c.toLower();
    return squeezed.contains(QLatin1String("url(")) || squeezed.contains(QLatin1String("@import")) ||
           squeezed.contains(QLatin1String("image(")) || squeezed.contains(QLatin1String("image-set")) ||
           squeezed.contains(QLatin1String("\\")) || squeezed.contains(QLatin1String("expression"));
}

// A CSS value made only of words, numbers, lengths, colours, quoted font names and rgb()/rgba():
// no backslash escapes, no comments, no url(), no at-rules, no other functions.
bool plainCssValue(const QString &value) {
    if (value.isEmpty() || value.size() > 200)
        return false;
    static const QRegularExpression chars(QStringLiteral("^[A-Za-z0-9 #%.,'\"!+()-]+$"));
    if (!chars.match(value).hasMatch())
        return false;
    const QString lower = value.toLower();
    for (const char *bad : {"expression", "url", "javascript", "import", "behavior", "binding", "image"})
        if (lower.contains(QLatin1String(bad)))
            return false;
    if (value.count(u'\'') % 2 != 0 || value.count(u'"') % 2 != 0)
        return false;
    // Parentheses only as rgb( … ) / rgba( … ), not nested.
    static const QRegularExpression functions(QStringLiteral("\\(|\\)"));
    static const QRegularExpression rgb(QStringLiteral("rgba?\\([0-9 .,%]*\\)"));
    QString withoutRgb = lower;
    withoutRgb.remove(rgb);
    return !withoutRgb.contains(functions);
}

QString attributeValue(const GumboAttribute *a) {
    return fromUtf8(a->value);
}

struct Walker {
    const HtmlSanitizer::Options &options;
    HtmlSanitizer::Result &result;
    QString out;

    // The attributes of an allowed element, canonical; false when the element itself must go
    // (an <img> without an acceptable source).
    bool attributes(const QByteArray &tag, const GumboVector &attrs, QString *rendered) {
        const bool isImg = tag == "img";
        bool hasSource = false;
        for (unsigned i = 0; i < attrs.length; ++i) {
            const auto *a = static_cast<const GumboAttribute *>(attrs.data[i]);
            const QByteArray name(a->name); // gumbo lower-cases HTML attribute names
            const QString raw = attributeValue(a);
            QString value;
            if (name == "style") {
                int dropped = 0;
                value = HtmlSanitizer::sanitizeStyle(raw, &dropped);
                result.blockedRemote += dropped;
            } else if (name == "href" && tag == "a") {
                if (HtmlSanitizer::isSafeLink(raw))
                    value = QUrl(*cleanUrl(raw), QUrl::TolerantMode).toString(QUrl::FullyEncoded);
            } else if (name == "src" && isImg) {
                value = imageSource(raw);
                hasSource = !value.isNull();
            } else if (name == "background") {
                ++result.blockedRemote; // an image fetched by QTextDocument: never
            } else {
                value = plainAttribute(tag, name, raw);
            }
            // Everything else is dropped: on* handlers, srcset, formaction, xlink:href, class, id, …
            if (value.isEmpty())
                continue;
            *rendered +=
                QStringLiteral(" %1=\"%2\"").arg(QLatin1String(name), escape(value, EscapeFor::Attribute));
        }
        return !isImg || hasSource;
    }

    // An attribute that is plain text or a simple value of a known shape; empty: dropped.
    static QString plainAttribute(const QByteArray &tag, const QByteArray &name, const QString &raw) {
        static const QRegularExpression number(QStringLiteral("^[0-9]{1,4}%?$"));
        static const QRegularExpression small(QStringLiteral("^[0-9]{1,3}$"));
        static const QRegularExpression colour(QStringLiteral("^(#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,20})$"));
        static const QRegularExpression align(
            QStringLiteral("^(?i)(left|right|center|justify|middle|top|bottom|baseline)$"));
        static const QRegularExpression dir(QStringLiteral("^(?i)(ltr|rtl|auto)$"));
        static const QRegularExpression lang(QStringLiteral("^[A-Za-z0-9-]{1,35}$"));
        static const QRegularExpression face(QStringLiteral("^[A-Za-z0-9 ,'\"-]{1,100}$"));
        static const QRegularExpression fontSize(QStringLiteral("^[+-]?[1-7]$"));
        static const QRegularExpression listType(QStringLiteral("^(1|a|A|i|I|disc|circle|square)$"));
        static const QRegularExpression anchorName(QStringLiteral("^[A-Za-z0-9_.:-]{1,100}$"));
        if (name == "title" || (name == "alt" && tag == "img"))
            return raw;
        if (name == "width" || name == "height")
            return simpleValue(raw, number);
        if (name == "colspan" || name == "rowspan" || name == "border" || name == "cellpadding" ||
            name == "cellspacing" || name == "start")
            return simpleValue(raw, small);
        if (name == "bgcolor" || (name == "color" && tag == "font"))
            return simpleValue(raw, colour);
        if (name == "align" || name == "valign")
            return simpleValue(raw, align).toLower();
        if (name == "dir")
            return simpleValue(raw, dir).toLower();
        if (name == "lang")
            return simpleValue(raw, lang);
        if (name == "face" && tag == "font")
            return simpleValue(raw, face);
        if (name == "size" && tag == "font")
            return simpleValue(raw, fontSize);
        if (name == "type" && (tag == "ol" || tag == "ul" || tag == "li"))
            return simpleValue(raw, listType);
        if (name == "name" && tag == "a")
            return simpleValue(raw, anchorName);
        return {};
    }

    // An <img src>: a data: image in canonical form, or an allowed remote URL (recorded); null: not shown.
    QString imageSource(const QString &raw) {
        QString value = HtmlSanitizer::canonicalDataImage(raw);
        if (!value.isNull())
            return value;
        const QString remote = HtmlSanitizer::canonicalRemoteUrl(raw);
        const QString cleaned = cleanUrl(raw).value_or(QString());
        if (!remote.isNull() || cleaned.startsWith(QLatin1String("//"))) {
            if (!remote.isNull() && options.allowRemoteImages) {
                value = remote;
                result.remoteImageUrls += remote;
            } else {
                ++result.blockedRemote;
                ++result.blockedRemoteImages;
            }
        }
        // cid: the product stores attachment metadata only (EmailRecord::attachmentsJson has no content), so
        // an inline part cannot be resolved: the image is not shown.
        return value;
    }

    struct Frame {
        const GumboNode *node;
        unsigned next;
        QByteArray close; // end tag written after the children (empty: none)
    };

    // Depth-first over the tree with an explicit stack (a deeply nested message must not overflow ours).
    void run(const GumboNode *root) {
        std::vector<Frame> stack;
        stack.push_back({root, 0, {}});
        while (!stack.empty()) {
            Frame &frame = stack.back();
            const GumboVector &children = frame.node->v.element.children;
            if (frame.next >= children.length) {
                if (!frame.close.isEmpty()) {
                    out += QLatin1String("</") + QLatin1String(frame.close) + QLatin1Char('>');
                    --depth;
                }
                stack.pop_back();
                continue;
            }
            const auto *child = static_cast<const GumboNode *>(children.data[frame.next++]);
            switch (child->type) {
            case GUMBO_NODE_TEXT:
            case GUMBO_NODE_WHITESPACE:
                out += escape(fromUtf8(child->v.text.text), EscapeFor::Text);
                break;
            case GUMBO_NODE_CDATA:   // only in foreign (SVG/MathML) content, which is dropped
            case GUMBO_NODE_COMMENT: // never serialized
            case GUMBO_NODE_DOCUMENT:
            case GUMBO_NODE_TEMPLATE:
                break;
            case GUMBO_NODE_ELEMENT:
                element(child, stack); // `frame` may dangle from here on
                break;
            }
        }
    }

    // Writes an element's start tag (or nothing) and pushes it when its children are to be walked.
    void element(const GumboNode *node, std::vector<Frame> &stack) {
        const GumboElement &e = node->v.element;
        if (e.tag_namespace != GUMBO_NAMESPACE_HTML)
            return; // <svg>, <math> and everything inside them
        const QByteArray tag =
            e.tag == GUMBO_TAG_UNKNOWN ? QByteArray() : QByteArray(gumbo_normalized_tagname(e.tag));
        if (droppedWithContent().contains(tag)) {
            countDropped(tag, e);
            return;
        }
        QByteArray close;
        if (allowedElements().contains(tag) && depth < kMaxDepth) {
            QString attrs;
            if (!attributes(tag, e.attributes, &attrs))
                return; // an image we will not show
            out += QLatin1Char('<') + QLatin1String(tag) + attrs + QLatin1Char('>');
            if (voidElements().contains(tag))
                return;
            close = tag;
        } else if (unwrappedToDiv().contains(tag) && depth < kMaxDepth) {
            out += QLatin1String("<div>");
            close = "div";
        } else if (voidElements().contains(tag)) {
            // Unknown or disallowed (html, body, button, label, custom tags…): the tag goes, the content
            // stays; a void one has none.
            return;
        }
        if (!close.isEmpty())
            ++depth;
        stack.push_back({node, 0, close});
    }

    // What an element dropped with its content counts as: a script, a remote load (<link>, <base>, a
    // <style> that fetches).
    void countDropped(const QByteArray &tag, const GumboElement &e) {
        if (tag == "script") {
            ++result.removedScripts;
        } else if (tag == "link" || tag == "base") {
            ++result.blockedRemote;
        } else if (tag == "style" && e.children.length > 0) {
            QString css;
            for (unsigned i = 0; i < e.children.length; ++i) {
                const auto *t = static_cast<const GumboNode *>(e.children.data[i]);
                if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_WHITESPACE)
                    css += fromUtf8(t->v.text.text);
            }
            if (cssLooksRemote(css))
                ++result.blockedRemote;
        }
    }

    int depth = 0; // elements open in the output
};

} // namespace

bool HtmlSanitizer::isSafeLink(const QString &raw) {
    const std::optional<QString> cleaned = cleanUrl(raw);
    if (!cleaned || cleaned->isEmpty())
        return false;
    const QUrl url(*cleaned, QUrl::TolerantMode);
    if (!url.isValid())
        return false;
    const QString scheme = url.scheme(); // QUrl lower-cases the scheme (RFC 3986 §3.1: case-insensitive)
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        return !url.host().isEmpty();
    if (scheme == QLatin1String("mailto"))
        return !url.path().isEmpty();
    return false;
}

QString HtmlSanitizer::canonicalRemoteUrl(const QString &raw) {
    const std::optional<QString> cleaned = cleanUrl(raw);
    if (!cleaned)
        return {};
    const QUrl url(*cleaned, QUrl::TolerantMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return {};
    return url.toString(QUrl::FullyEncoded);
}

QString HtmlSanitizer::canonicalDataImage(const QString &raw) {
    if (raw.size() > kMaxDataImageChars)
        return {};
    QString s;
    s.reserve(raw.size());
    for (const QChar c : raw) {
        if (isAsciiWhitespace(c))
            continue;
        if (isControl(c))
            return {};
        s += c;
    }
    // RFC 2397 data URL, restricted to base64 raster images QImage decodes.
    static const QRegularExpression dataImage(QStringLiteral(
        "^[Dd][Aa][Tt][Aa]:[Ii][Mm][Aa][Gg][Ee]/([A-Za-z]+);[Bb][Aa][Ss][Ee]64,([A-Za-z0-9+/]+={0,2})$"));
    const QRegularExpressionMatch m = dataImage.match(s);
    if (!m.hasMatch())
        return {};
    QString type = m.captured(1).toLower();
    if (type == QLatin1String("jpg"))
        type = QStringLiteral("jpeg");
    if (type != QLatin1String("png") && type != QLatin1String("gif") && type != QLatin1String("jpeg") &&
        type != QLatin1String("webp"))
        return {};
    return QStringLiteral("data:image/%1;base64,%2").arg(type, m.captured(2));
}

QString HtmlSanitizer::sanitizeStyle(const QString &style, int *droppedRemote) {
    QStringList kept;
    int remote = 0;
    // Declarations split on ';' without any attempt at CSS tokenizing: a ';' inside quotes splits a value
    // in two halves with an odd number of quotes, which plainCssValue() rejects.
    for (const QString &declaration : style.split(u';')) {
        if (cssLooksRemote(declaration))
            ++remote;
        const qsizetype colon = declaration.indexOf(u':');
        if (colon < 0)
            continue;
        const QString property = declaration.left(colon).trimmed().toLower();
        const QString value = declaration.mid(colon + 1).simplified();
        if (!allowedCssProperties().contains(property) || !plainCssValue(value))
            continue;
        kept += property + QLatin1String(": ") + value;
    }
    if (droppedRemote)
        *droppedRemote = remote;
    return kept.join(QLatin1String("; "));
}

HtmlSanitizer::Result HtmlSanitizer::sanitize(const QString &html, const Options &options) {
    Result result;
    const QByteArray utf8 = html.left(kMaxInputChars).toUtf8();
    GumboOptions gumboOptions = kGumboDefaultOptions;
    gumboOptions.max_errors = 0; // parse errors are not kept: hostile input would make many
    const auto destroy = [&gumboOptions](GumboOutput *o) { gumbo_destroy_output(&gumboOptions, o); };
    const std::unique_ptr<GumboOutput, decltype(destroy)> output(
        gumbo_parse_with_options(&gumboOptions, utf8.constData(), size_t(utf8.size())), destroy);
    if (!output || !output->root)
        return result;
    Walker walker{options, result, {}};
    walker.run(output->root); // <html>: its <head> is dropped, its <body> unwrapped
    result.html = walker.out;
    return result;
}

} // namespace ui
