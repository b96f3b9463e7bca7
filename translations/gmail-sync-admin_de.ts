<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ui::AppSettings</name>
    <message>
        <source>Enter the database URL, e.g. postgresql://user@host/gmail_sync.</source>
        <translation>Geben Sie die Datenbank-URL ein, z. B. postgresql://benutzer@host/gmail_sync.</translation>
    </message>
    <message>
        <source>The database URL is not valid: %1</source>
        <translation>Die Datenbank-URL ist ungültig: %1</translation>
    </message>
    <message>
        <source>Remove the password from the URL: settings are stored unencrypted. Put it in ~/.pgpass or the PGPASSWORD variable instead.</source>
        <translation>Entfernen Sie das Passwort aus der URL: Einstellungen werden unverschlüsselt gespeichert. Hinterlegen Sie es stattdessen in ~/.pgpass oder in der Variablen PGPASSWORD.</translation>
    </message>
</context>
<context>
    <name>ui::ConnectWizard</name>
    <message>
        <source>&amp;Service account with domain-wide delegation (Google Workspace)</source>
        <translation>&amp;Dienstkonto mit domänenweiter Delegierung (Google Workspace)</translation>
    </message>
    <message>
        <source>&amp;OAuth client with a refresh token</source>
        <translation>&amp;OAuth-Client mit Refresh-Token</translation>
    </message>
    <message>
        <source>Connect a Gmail mailbox</source>
        <translation>Gmail-Postfach verbinden</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Who is this mailbox for?</source>
        <translation>Für wen ist dieses Postfach?</translation>
    </message>
    <message>
        <source>Tenant &amp;id:</source>
        <translation>Mandanten-&amp;ID:</translation>
    </message>
    <message>
        <source>Display &amp;name:</source>
        <translation>Anzeige&amp;name:</translation>
    </message>
    <message>
        <source>Gmail &amp;address:</source>
        <translation>Gmail-&amp;Adresse:</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <source>They are encrypted with the master key before they reach the database.</source>
        <translation>Sie werden mit dem Hauptschlüssel verschlüsselt, bevor sie die Datenbank erreichen.</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Keys file</source>
        <translation>Schlüsseldatei</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Service account: the JSON key file from the Google Cloud console. OAuth: a JSON file {&quot;clientId&quot;, &quot;clientSecret&quot;, &quot;refreshToken&quot;}.</source>
        <translation>Dienstkonto: die JSON-Schlüsseldatei aus der Google Cloud Console. OAuth: eine JSON-Datei {&quot;clientId&quot;, &quot;clientSecret&quot;, &quot;refreshToken&quot;}.</translation>
    </message>
    <message>
        <source>&amp;Keys file:</source>
        <translation>&amp;Schlüsseldatei:</translation>
    </message>
    <message>
        <source>Choose the keys file.</source>
        <translation>Wählen Sie die Schlüsseldatei.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too large for a keys file.</source>
        <translation>%1 ist zu groß für eine Schlüsseldatei.</translation>
    </message>
    <message>
        <source>The tenant id must start with a letter or digit and use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos; (at most 64).</source>
        <translation>Die Mandanten-ID muss mit einem Buchstaben oder einer Ziffer beginnen und darf nur Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos; und &apos;-&apos; enthalten (höchstens 64).</translation>
    </message>
    <message>
        <source>Enter the mailbox&apos;s address, e.g. ops@acme.example.</source>
        <translation>Geben Sie die Adresse des Postfachs ein, z. B. ops@acme.example.</translation>
    </message>
    <message>
        <source>The keys file is not usable: %1</source>
        <translation>Die Schlüsseldatei ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Storing…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>Nicht verbunden: %1</translation>
    </message>
    <message>
        <source>Sign in with &amp;Google in the browser (OAuth)</source>
        <translation>Im Browser bei &amp;Google anmelden (OAuth)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>C&amp;ancel sign-in</source>
        <translation>Anmeldung a&amp;bbrechen</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <source>OAuth &amp;client id:</source>
        <translation>OAuth-&amp;Client-ID:</translation>
    </message>
    <message>
        <source>Client s&amp;ecret:</source>
        <translation>Client-&amp;Geheimnis:</translation>
    </message>
    <message>
        <source>Sign in with Google</source>
        <translation>Bei Google anmelden</translation>
    </message>
    <message>
        <source>Your browser opens Google&apos;s consent page. Sign in as the tenant&apos;s address and allow read-only access to Gmail.</source>
        <translation>Ihr Browser öffnet die Zustimmungsseite von Google. Melden Sie sich mit der Adresse des Mandanten an und erlauben Sie den Lesezugriff auf Gmail.</translation>
    </message>
    <message>
        <source>If no browser opened, copy this address into one:</source>
        <translation>Falls sich kein Browser geöffnet hat, kopieren Sie diese Adresse in einen:</translation>
    </message>
    <message>
        <source>Reconnect %1</source>
        <translation>%1 neu verbinden</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Waiting for the browser…</source>
        <translation>Warte auf den Browser…</translation>
    </message>
    <message>
        <source>Access was denied in the browser; nothing was stored. Try again and choose Allow, or cancel.</source>
        <translation>Der Zugriff wurde im Browser verweigert; es wurde nichts gespeichert. Versuchen Sie es erneut und wählen Sie „Zulassen“, oder brechen Sie ab.</translation>
    </message>
    <message>
        <source>Not connected: %1. Try again, or cancel.</source>
        <translation>Nicht verbunden: %1. Versuchen Sie es erneut, oder brechen Sie ab.</translation>
    </message>
    <message>
        <source>The browser signed in as %1, but the tenant&apos;s address is %2; nothing was stored. Try again with the right account.</source>
        <translation>Der Browser hat sich als %1 angemeldet, die Adresse des Mandanten ist aber %2; es wurde nichts gespeichert. Versuchen Sie es mit dem richtigen Konto erneut.</translation>
    </message>
    <message>
        <source>Signed in as %1. Storing…</source>
        <translation>Angemeldet als %1. Wird gespeichert…</translation>
    </message>
    <message>
        <source>Time left: %1:%2</source>
        <translation>Verbleibende Zeit: %1:%2</translation>
    </message>
    <message>
        <source>Enter the OAuth client id of the installed app (Google Cloud console, Credentials).</source>
        <translation>Geben Sie die OAuth-Client-ID der installierten App ein (Google Cloud Console, Anmeldedaten).</translation>
    </message>
    <message>
        <source>Not connected yet: finish signing in in the browser, or cancel.</source>
        <translation>Noch nicht verbunden: Schließen Sie die Anmeldung im Browser ab, oder brechen Sie ab.</translation>
    </message>
</context>
<context>
    <name>ui::HistoricalSyncDialog</name>
    <message>
        <source>Force (ignore the per-tenant start limit)</source>
        <translation>Erzwingen (Startlimit pro Mandant ignorieren)</translation>
    </message>
    <message>
        <source>Historical sync — %1</source>
        <translation>Historische Synchronisierung — %1</translation>
    </message>
    <message>
        <source>Start historical sync</source>
        <translation>Historische Synchronisierung starten</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Bis:</translation>
    </message>
    <message>
        <source>Fetches every message received in this range (both days included), one calendar month at a time. Messages already stored are updated, not duplicated.</source>
        <translation>Ruft jede in diesem Zeitraum empfangene Nachricht ab (beide Tage eingeschlossen), einen Kalendermonat nach dem anderen. Bereits gespeicherte Nachrichten werden aktualisiert, nicht verdoppelt.</translation>
    </message>
    <message>
        <source>Enter both dates.</source>
        <translation>Geben Sie beide Daten ein.</translation>
    </message>
    <message>
        <source>The start date is after the end date: choose a start on or before %1.</source>
        <translation>Das Startdatum liegt nach dem Enddatum: Wählen Sie einen Start am oder vor dem %1.</translation>
    </message>
    <message>
        <source>The range reaches into the future: choose an end date on or before today (%1).</source>
        <translation>Der Zeitraum reicht in die Zukunft: Wählen Sie ein Enddatum bis spätestens heute (%1).</translation>
    </message>
    <message>
        <source>Gmail has no mail before %1.</source>
        <translation>Vor dem %1 gibt es keine Gmail-Nachrichten.</translation>
    </message>
    <message>
        <source>Runs 1 monthly chunk (%1).</source>
        <translation>Läuft in 1 Monatsabschnitt (%1).</translation>
    </message>
    <message>
        <source>Runs %1 monthly chunks (%2 – %3).</source>
        <translation>Läuft in %1 Monatsabschnitten (%2 – %3).</translation>
    </message>
</context>
<context>
    <name>ui::JobCharts</name>
    <message>
        <source>Messages synced per day (last %1 days)</source>
        <translation>Synchronisierte Nachrichten pro Tag (letzte %1 Tage)</translation>
    </message>
    <message>
        <source>Duration of the last %1 jobs (minutes)</source>
        <translation>Dauer der letzten %1 Aufträge (Minuten)</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>Duration of the last %1 jobs (seconds)</source>
        <translation>Dauer der letzten %1 Aufträge (Sekunden)</translation>
    </message>
    <message>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
</context>
<context>
    <name>ui::JobFailureModel</name>
    <message>
        <source>Fetch</source>
        <translation>Abruf</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>Zu groß</translation>
    </message>
    <message>
        <source>Parse</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>Worker crash</source>
        <translation>Worker-Absturz</translation>
    </message>
    <message>
        <source>Not retried automatically any more; use Retry failed items</source>
        <translation>Wird nicht mehr automatisch wiederholt; verwenden Sie „Fehlgeschlagene Nachrichten erneut versuchen“</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Message id</source>
        <translation>Nachrichten-ID</translation>
    </message>
    <message>
        <source>Failure</source>
        <translation>Fehlerart</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Permanent</source>
        <translation>Dauerhaft</translation>
    </message>
    <message>
        <source>Last failed</source>
        <translation>Zuletzt fehlgeschlagen</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
</context>
<context>
    <name>ui::JobTableModel</name>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Initial</source>
        <translation>Erstsynchronisierung</translation>
    </message>
    <message>
        <source>Incremental</source>
        <translation>Inkrementell</translation>
    </message>
    <message>
        <source>Historical</source>
        <translation>Historisch</translation>
    </message>
    <message>
        <source>Push</source>
        <translation>Push</translation>
    </message>
    <message>
        <source>Job %1 · %2 sync of tenant %3</source>
        <translation>Auftrag %1 · Synchronisierung (%2) von Mandant %3</translation>
    </message>
    <message>
        <source>Status: %1%2</source>
        <translation>Status: %1%2</translation>
    </message>
    <message>
        <source>Forced: %1 · attempts: %2 · worker: %3</source>
        <translation>Erzwungen: %1 · Versuche: %2 · Worker: %3</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Created: %1</source>
        <translation>Erstellt: %1</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>Gestartet: %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Beendet: %1</translation>
    </message>
    <message>
        <source>Total to process: %1</source>
        <translation>Zu verarbeiten insgesamt: %1</translation>
    </message>
    <message>
        <source>History ids: %1</source>
        <translation>History-IDs: %1</translation>
    </message>
    <message>
        <source>Parameters: %1</source>
        <translation>Parameter: %1</translation>
    </message>
    <message>
        <source>Checkpoint: %1</source>
        <translation>Checkpoint: %1</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Detail:</source>
        <translation>Details:</translation>
    </message>
    <message>
        <source>%1 (forced)</source>
        <translation>%1 (erzwungen)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>Inserted</source>
        <translation>Eingefügt</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>History ids</source>
        <translation>History-IDs</translation>
    </message>
    <message>
        <source>Processed %1 · inserted %2 · updated %3 · deleted %4 · skipped %5 · failed %6</source>
        <translation>Verarbeitet %1 · eingefügt %2 · aktualisiert %3 · gelöscht %4 · übersprungen %5 · fehlgeschlagen %6</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) could not be stored; the job details list them</source>
        <translation>
            <numerusform>%n Nachricht konnte nicht gespeichert werden; die Auftragsdetails führen sie auf</numerusform>
            <numerusform>%n Nachrichten konnten nicht gespeichert werden; die Auftragsdetails führen sie auf</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ui::JobsPage</name>
    <message>
        <source>Selected tenant only</source>
        <translation>Nur ausgewählter Mandant</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Select a job to see its parameters, checkpoint and full error.</source>
        <translation>Wählen Sie einen Auftrag, um Parameter, Checkpoint und den vollständigen Fehler zu sehen.</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <source>A message leaves this list when a later sync stores it, and moves to the later job when that one fails on it again.</source>
        <translation>Eine Nachricht verschwindet aus dieser Liste, sobald eine spätere Synchronisierung sie speichert, und wechselt zum späteren Auftrag, wenn auch dieser an ihr scheitert.</translation>
    </message>
    <message>
        <source>The failed messages of this job could not be loaded: %1</source>
        <translation>Die fehlgeschlagenen Nachrichten dieses Auftrags konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Messages this job could not store (the first %1):</source>
        <translation>Nachrichten, die dieser Auftrag nicht speichern konnte (die ersten %1):</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) this job could not store (still failing):</source>
        <translation>
            <numerusform>%n Nachricht, die dieser Auftrag nicht speichern konnte (weiterhin fehlerhaft):</numerusform>
            <numerusform>%n Nachrichten, die dieser Auftrag nicht speichern konnte (weiterhin fehlerhaft):</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <source>Gmail Sync Admin</source>
        <translation>Gmail Sync Admin</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>&amp;Aufträge</translation>
    </message>
    <message>
        <source>&amp;Mail</source>
        <translation>&amp;Mails</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Live updates unavailable: %1</source>
        <translation>Live-Aktualisierung nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Database unavailable: %1</source>
        <translation>Datenbank nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>&amp;Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Queue an incremental sync of the selected tenant</source>
        <translation>Eine inkrementelle Synchronisierung des ausgewählten Mandanten einreihen</translation>
    </message>
    <message>
        <source>&amp;Initial sync</source>
        <translation>&amp;Erstsynchronisierung</translation>
    </message>
    <message>
        <source>Queue a full initial sync of the selected tenant</source>
        <translation>Eine vollständige Erstsynchronisierung des ausgewählten Mandanten einreihen</translation>
    </message>
    <message>
        <source>&amp;Force sync</source>
        <translation>Synchronisierung &amp;erzwingen</translation>
    </message>
    <message>
        <source>Queue an incremental sync that ignores the per-tenant start limit</source>
        <translation>Eine inkrementelle Synchronisierung einreihen, die das Startlimit pro Mandant ignoriert</translation>
    </message>
    <message>
        <source>&amp;Historical sync…</source>
        <translation>&amp;Historische Synchronisierung…</translation>
    </message>
    <message>
        <source>&amp;Unlock…</source>
        <translation>&amp;Entsperren…</translation>
    </message>
    <message>
        <source>Clear the sync lock of the selected tenant</source>
        <translation>Die Synchronisierungssperre des ausgewählten Mandanten aufheben</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>E&amp;instellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Tenant</source>
        <translation>&amp;Mandant</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>Filter tenants by name, address or state</source>
        <translation>Mandanten nach Name, Adresse oder Zustand filtern</translation>
    </message>
    <message>
        <source>&amp;Tenants</source>
        <translation>&amp;Mandanten</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message numerus="yes">
        <source>%n sync(s) running</source>
        <translation>
            <numerusform>%n Synchronisierung läuft</numerusform>
            <numerusform>%n Synchronisierungen laufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sync(s) running · %1</source>
        <translation>
            <numerusform>%n Synchronisierung läuft · %1</numerusform>
            <numerusform>%n Synchronisierungen laufen · %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Sync not queued</source>
        <translation>Synchronisierung nicht eingereiht</translation>
    </message>
    <message>
        <source>The %1 sync of %2 could not be queued: %3</source>
        <translation>Die Synchronisierung (%1) von %2 konnte nicht eingereiht werden: %3</translation>
    </message>
    <message>
        <source>Queued job %1 (%2) for %3</source>
        <translation>Auftrag %1 (%2) für %3 eingereiht</translation>
    </message>
    <message>
        <source>Initial sync</source>
        <translation>Erstsynchronisierung</translation>
    </message>
    <message>
        <source>Run a full initial sync of %1? It fetches every message of the configured window again; stored messages are updated, not duplicated.</source>
        <translation>Eine vollständige Erstsynchronisierung von %1 ausführen? Sie ruft jede Nachricht des eingestellten Zeitraums erneut ab; gespeicherte Nachrichten werden aktualisiert, nicht verdoppelt.</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 is locked by %2 since %3 (%4); last heartbeat: %5.</source>
        <translation>%1 ist seit %3 (%4) von %2 gesperrt; letztes Lebenszeichen: %5.</translation>
    </message>
    <message>
        <source>The lock is stale: its holder has stopped sending heartbeats.</source>
        <translation>Die Sperre ist verwaist: Ihr Inhaber sendet keine Lebenszeichen mehr.</translation>
    </message>
    <message>
        <source>The holder still sends heartbeats: it may be running. Unlocking lets another sync start while it runs.</source>
        <translation>Der Inhaber sendet noch Lebenszeichen: Er läuft möglicherweise noch. Nach dem Entsperren kann eine weitere Synchronisierung starten, während er läuft.</translation>
    </message>
    <message>
        <source>Clear the lock?</source>
        <translation>Sperre aufheben?</translation>
    </message>
    <message>
        <source>Unlock sync</source>
        <translation>Synchronisierung entsperren</translation>
    </message>
    <message>
        <source>Unlock failed</source>
        <translation>Entsperren fehlgeschlagen</translation>
    </message>
    <message>
        <source>The lock could not be cleared: %1</source>
        <translation>Die Sperre konnte nicht aufgehoben werden: %1</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>%1 no longer holds the lock of %2: nothing was changed.</source>
        <translation>%1 hält die Sperre von %2 nicht mehr: Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Cleared the sync lock of %1</source>
        <translation>Synchronisierungssperre von %1 aufgehoben</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language applies when the application is restarted.</source>
        <translation>Die neue Sprache gilt nach einem Neustart der Anwendung.</translation>
    </message>
    <message>
        <source>Sync failed: %1</source>
        <translation>Synchronisierung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 sync (job %2): %3</source>
        <translation>Synchronisierung %1 (Auftrag %2): %3</translation>
    </message>
    <message>
        <source>no error message</source>
        <translation>keine Fehlermeldung</translation>
    </message>
    <message>
        <source>&amp;Connect mailbox…</source>
        <translation>Postfach &amp;verbinden…</translation>
    </message>
    <message>
        <source>Add a tenant and store its Gmail credentials</source>
        <translation>Einen Mandanten anlegen und seine Gmail-Zugangsdaten speichern</translation>
    </message>
    <message>
        <source>Connected %1</source>
        <translation>%1 verbunden</translation>
    </message>
    <message>
        <source>&amp;Reconnect…</source>
        <translation>&amp;Neu verbinden…</translation>
    </message>
    <message>
        <source>Sign in with Google again for a tenant whose access was revoked</source>
        <translation>Erneut bei Google anmelden für einen Mandanten, dessen Zugriff widerrufen wurde</translation>
    </message>
    <message>
        <source>&amp;Deactivate…</source>
        <translation>&amp;Deaktivieren…</translation>
    </message>
    <message>
        <source>Stop syncing the selected tenant until its mailbox is reconnected</source>
        <translation>Den gewählten Mandanten nicht mehr synchronisieren, bis sein Postfach wieder verbunden ist</translation>
    </message>
    <message>
        <source>Deactivate integration</source>
        <translation>Integration deaktivieren</translation>
    </message>
    <message>
        <source>Deactivate the Gmail integration of %1? No sync runs for it until the mailbox is connected again; stored mail is kept.</source>
        <translation>Die Gmail-Integration von %1 deaktivieren? Bis das Postfach wieder verbunden ist, läuft keine Synchronisierung; gespeicherte E-Mails bleiben erhalten.</translation>
    </message>
    <message>
        <source>Deactivation failed</source>
        <translation>Deaktivierung fehlgeschlagen</translation>
    </message>
    <message>
        <source>The integration of %1 could not be deactivated: %2</source>
        <translation>Die Integration von %1 konnte nicht deaktiviert werden: %2</translation>
    </message>
    <message>
        <source>Deactivated the integration of %1</source>
        <translation>Integration von %1 deaktiviert</translation>
    </message>
    <message>
        <source>Re&amp;try failed items</source>
        <translation>&amp;Fehlgeschlagene Nachrichten erneut versuchen</translation>
    </message>
    <message>
        <source>Queue a sync of the selected tenant that first retries every message it could not store, permanent failures included</source>
        <translation>Eine Synchronisierung des ausgewählten Mandanten einreihen, die zuerst jede nicht gespeicherte Nachricht erneut versucht, auch die dauerhaft fehlgeschlagenen</translation>
    </message>
</context>
<context>
    <name>ui::ProgressDelegate</name>
    <message>
        <source>%1 msg/s</source>
        <translation>%1 Nachr./s</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Rest %1</translation>
    </message>
</context>
<context>
    <name>ui::SettingsDialog</name>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Testen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Google OAuth client</source>
        <translation>Google-OAuth-Client</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <source>Gmail quota</source>
        <translation>Gmail-Kontingent</translation>
    </message>
    <message>
        <source>System keychain</source>
        <translation>Schlüsselbund des Systems</translation>
    </message>
    <message>
        <source> months</source>
        <translation> Monate</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemvorgabe</translation>
    </message>
    <message>
        <source>&amp;Database URL:</source>
        <translation>&amp;Datenbank-URL:</translation>
    </message>
    <message>
        <source>OAuth &amp;client id:</source>
        <translation>OAuth-&amp;Client-ID:</translation>
    </message>
    <message>
        <source>The client secret is kept in the system keychain, never in settings.</source>
        <translation>Das Client-Secret liegt im Schlüsselbund des Systems, nie in den Einstellungen.</translation>
    </message>
    <message>
        <source>&amp;Master key from:</source>
        <translation>&amp;Hauptschlüssel aus:</translation>
    </message>
    <message>
        <source>&amp;Worker threads:</source>
        <translation>&amp;Worker-Threads:</translation>
    </message>
    <message>
        <source>&amp;Initial sync reaches back:</source>
        <translation>&amp;Erstsynchronisierung reicht zurück:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Connected: PostgreSQL %1.</source>
        <translation>Verbunden: PostgreSQL %1.</translation>
    </message>
    <message>
        <source>Connection failed — %1. Check host, port, user and database, and that the server accepts connections from this machine.</source>
        <translation>Verbindung fehlgeschlagen — %1. Prüfen Sie Host, Port, Benutzer und Datenbank und ob der Server Verbindungen von diesem Rechner annimmt.</translation>
    </message>
    <message>
        <source>Google Secret Manager</source>
        <translation>Google Secret Manager</translation>
    </message>
    <message>
        <source>Automatic (key file, environment, Secret Manager, keychain)</source>
        <translation>Automatisch (Schlüsseldatei, Umgebung, Secret Manager, Schlüsselbund)</translation>
    </message>
    <message>
        <source>Environment variable (GMAIL_SYNC_MASTER_KEY)</source>
        <translation>Umgebungsvariable (GMAIL_SYNC_MASTER_KEY)</translation>
    </message>
    <message>
        <source>Key file (GMAIL_SYNC_KEY_FILE)</source>
        <translation>Schlüsseldatei (GMAIL_SYNC_KEY_FILE)</translation>
    </message>
    <message>
        <source>Reading the keychain…</source>
        <translation>Schlüsselbund wird gelesen…</translation>
    </message>
    <message>
        <source>OAuth client s&amp;ecret:</source>
        <translation>OAuth-Client-G&amp;eheimnis:</translation>
    </message>
    <message>
        <source>The client secret cannot be read: %1</source>
        <translation>Das Client-Geheimnis kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The client secret was not saved: %1. It is never stored in the settings file; clear the field to save the other settings without it.</source>
        <translation>Das Client-Geheimnis wurde nicht gespeichert: %1. Es wird nie in der Einstellungsdatei abgelegt; leeren Sie das Feld, um die übrigen Einstellungen ohne es zu speichern.</translation>
    </message>
    <message>
        <source>Saving the client secret in the keychain…</source>
        <translation>Client-Geheimnis wird im Schlüsselbund gespeichert…</translation>
    </message>
    <message>
        <source>The client secret was not removed from the keychain: %1.</source>
        <translation>Das Client-Geheimnis wurde nicht aus dem Schlüsselbund entfernt: %1.</translation>
    </message>
    <message>
        <source>Removing the client secret from the keychain…</source>
        <translation>Das Client-Geheimnis wird aus dem Schlüsselbund entfernt …</translation>
    </message>
</context>
<context>
    <name>ui::TenantTableModel</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n d</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
        </translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Bereit</translation>
    </message>
    <message numerus="yes">
        <source>Queued (%n job(s))</source>
        <translation>
            <numerusform>Wartend (%n Auftrag)</numerusform>
            <numerusform>Wartend (%n Aufträge)</numerusform>
        </translation>
    </message>
    <message>
        <source>Running %1%</source>
        <translation>Läuft %1 %</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Locked by %1 for %2</source>
        <translation>Seit %2 gesperrt von %1</translation>
    </message>
    <message>
        <source>Stale lock by %1 (%2)</source>
        <translation>Verwaiste Sperre von %1 (%2)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Lease held by %1 since %2; last heartbeat %3</source>
        <translation>Sperre gehalten von %1 seit %2; letztes Lebenszeichen %3</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Active (service account)</source>
        <translation>Aktiv (Dienstkonto)</translation>
    </message>
    <message>
        <source>Active (OAuth)</source>
        <translation>Aktiv (OAuth)</translation>
    </message>
    <message>
        <source>Needs re-authorization</source>
        <translation>Erneute Autorisierung nötig</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>No watch</source>
        <translation>Keine Überwachung</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Gmail address</source>
        <translation>Gmail-Adresse</translation>
    </message>
    <message>
        <source>Integration</source>
        <translation>Anbindung</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Synchronisierung</translation>
    </message>
    <message>
        <source>Emails</source>
        <translation>E-Mails</translation>
    </message>
    <message>
        <source>Last successful sync</source>
        <translation>Letzte erfolgreiche Synchronisierung</translation>
    </message>
    <message>
        <source>Watch expires</source>
        <translation>Überwachung läuft ab</translation>
    </message>
    <message>
        <source>No message is recorded as failed</source>
        <translation>Keine Nachricht ist als fehlgeschlagen erfasst</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) could not be stored; the next sync retries them first.</source>
        <translation>
            <numerusform>%n Nachricht konnte nicht gespeichert werden; die nächste Synchronisierung versucht sie zuerst erneut.</numerusform>
            <numerusform>%n Nachrichten konnten nicht gespeichert werden; die nächste Synchronisierung versucht sie zuerst erneut.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) could not be stored.</source>
        <translation>
            <numerusform>%n Nachricht konnte nicht gespeichert werden.</numerusform>
            <numerusform>%n Nachrichten konnten nicht gespeichert werden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them failed too often and are retried only by Retry failed items.</source>
        <translation>
            <numerusform>%n davon ist zu oft fehlgeschlagen und wird nur noch über „Fehlgeschlagene Nachrichten erneut versuchen“ wiederholt.</numerusform>
            <numerusform>%n davon sind zu oft fehlgeschlagen und werden nur noch über „Fehlgeschlagene Nachrichten erneut versuchen“ wiederholt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Failed items</source>
        <translation>Fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>ui::ThreadBrowser</name>
    <message>
        <source>All tenants</source>
        <translation>Alle Mandanten</translation>
    </message>
    <message>
        <source>Search mail: words, &quot;exact phrase&quot;, -excluded, a OR b</source>
        <translation>Mails durchsuchen: Wörter, &quot;genaue Phrase&quot;, -ausgeschlossen, a OR b</translation>
    </message>
    <message>
        <source>Tenant:</source>
        <translation>Mandant:</translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s) loaded, more on scrolling</source>
        <translation>
            <numerusform>%n Konversation geladen, weitere beim Blättern</numerusform>
            <numerusform>%n Konversationen geladen, weitere beim Blättern</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s)</source>
        <translation>
            <numerusform>%n Konversation</numerusform>
            <numerusform>%n Konversationen</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not load threads: %1</source>
        <translation>Konversationen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Could not load the thread: %1</source>
        <translation>Die Konversation konnte nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>ui::ThreadListModel</name>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Beteiligte</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>Letzte Nachricht</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
</context>
<context>
    <name>ui::ThreadView</name>
    <message>
        <source>Select a thread to read it.</source>
        <translation>Wählen Sie eine Konversation, um sie zu lesen.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <source>Reply-To</source>
        <translation>Antwort an</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message numerus="yes">
        <source>Remote content (%n item(s)) was blocked.</source>
        <translation>
            <numerusform>Externer Inhalt (%n Element) wurde blockiert.</numerusform>
            <numerusform>Externer Inhalt (%n Elemente) wurde blockiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Show remote images</source>
        <translation>Externe Bilder anzeigen</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Anhänge</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
</context>
</TS>
