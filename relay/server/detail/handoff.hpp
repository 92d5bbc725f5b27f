#pragma once

// Beast types behind UpgradeHandoff. Include only from Beast translation units.

#include <memory>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "relay/server/upgrade.hpp"

namespace cs::relay::server {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct UpgradeHandoff::Impl {
    TlsStream stream;
    BeastRequest request;
    std::string remote_address;
    // The connection's slot under the server's connection caps: whoever takes
    // the stream keeps this for as long as the connection stays open.
    std::shared_ptr<void> connection_slot;
};

}  // namespace cs::relay::server
