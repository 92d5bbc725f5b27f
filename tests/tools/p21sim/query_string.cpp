#include "tests/tools/p21sim/query_string.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

namespace cs::p21sim {

const QueryParam* Target::find(std::string_view name) const {
    for (const QueryParam& param : params) {
        if (param.name == name) {
            return &param;
        }
    }
    return nullptr;
}

Expected<Target> parse_target(std::string_view target) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) {
        return make_error(ErrorCode::parse_error, "request target '{}' is not a valid URL: {}",
                          target, url.error().message());
    }
    // Query strings come from HTML forms as often as from OData clients: '+' is a space.
    boost::urls::encoding_opts form;
    form.space_as_plus = true;
    Target out;
    out.path = url->path();
    out.encoded_query = url->encoded_query();
    for (auto param : url->encoded_params()) {
        QueryParam p;
        p.name = param.key.decode(form);
        p.encoded_name = param.key;
        if (param.has_value) {
            p.value = param.value.decode(form);
            p.encoded_value = param.value;
        }
        out.params.push_back(std::move(p));
    }
    return out;
}

std::string encode_query_value(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

}  // namespace cs::p21sim
