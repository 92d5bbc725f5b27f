#pragma once

// A Beast body that streams a request body into a blob store's staging area
// as it arrives, so an upload never sits in memory. Beast translation units only.

#include <cstdint>
#include <memory>
#include <optional>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "relay/storage/blob_store.hpp"

namespace cs::relay::server {

struct StagedBody {
    struct value_type {
        std::unique_ptr<storage::StagingWriter> writer;  // set before the body is read
        std::optional<storage::StagedFile> file;         // once the body is complete
        std::optional<Error> failure;                    // why writing stopped
    };

    // Parsing side only: request bodies are never sent from this type.
    class reader {
    public:
        template <bool isRequest, class Fields>
        reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

        void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) {
            ec = body_.writer ? boost::beast::error_code{}
                              : boost::beast::error_code(boost::system::errc::bad_file_descriptor,
                                                         boost::system::generic_category());
        }

        template <class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
            std::size_t written = 0;
            for (const auto b : boost::beast::buffers_range_ref(buffers)) {
                auto s = body_.writer->write({static_cast<const char*>(b.data()), b.size()});
                if (!s) {
                    return fail(std::move(s).error(), ec, written);
                }
                written += b.size();
            }
            ec = {};
            return written;
        }

        void finish(boost::beast::error_code& ec) {
            auto file = body_.writer->finish();
            if (!file) {
                fail(std::move(file).error(), ec, 0);
                return;
            }
            body_.file.emplace(std::move(*file));
            ec = {};
        }

    private:
        std::size_t fail(Error error, boost::beast::error_code& ec, std::size_t written) {
            ec = error.code == ErrorCode::limit_exceeded
                     ? boost::beast::error_code(boost::beast::http::error::body_limit)
                     : boost::beast::error_code(boost::system::errc::io_error,
                                                boost::system::generic_category());
            body_.failure = std::move(error);
            return written;
        }

        value_type& body_;
    };
};

}  // namespace cs::relay::server
