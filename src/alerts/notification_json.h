// Request bodies for the sinks. Pure; any thread. Text that is not valid UTF-8 (a query in
// another encoding) is written with replacement characters. Times are RFC 3339 UTC with
// milliseconds.
//
// alertmanager_body(): the array POST /api/v2/alerts takes, one object per notice:
//   labels, annotations, startsAt, endsAt (left out when the notice has none), generatorURL.
//
// webhook_body(): one document per notification, shaped like Alertmanager's webhook payload so
// that receivers written for it need little change:
//   version ("1", this document's own version), status (firing | resolved), receiver,
//   groupLabels, commonLabels, commonAnnotations, externalURL,
//   alerts: [{status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint}]
// As in Alertmanager's, a firing alert's endsAt is "0001-01-01T00:00:00Z" (not ended): the
// expiry the daemon gives Alertmanager is no end a person should read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert.h"

namespace pgvigil::alerts {

std::string alertmanager_body(const std::vector<Notice>& notices);

std::string webhook_body(const Notification& notification, std::string_view receiver);

}  // namespace pgvigil::alerts
