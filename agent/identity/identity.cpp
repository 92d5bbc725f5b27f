#include "agent/identity/identity.hpp"

#include <algorithm>
#include <numeric>

namespace cs::agent {
namespace {

std::vector<std::size_t> sorted_by_name(const std::vector<wire::Field>& fields,
                                        std::vector<std::size_t> indexes) {
    std::sort(indexes.begin(), indexes.end(),
              [&](std::size_t a, std::size_t b) { return fields[a].name < fields[b].name; });
    return indexes;
}

}  // namespace

Identity::Identity(IdentitySpec spec) : spec_(std::move(spec)) {
    std::vector<std::size_t> all(spec_.fields.size());
    std::iota(all.begin(), all.end(), 0);
    data_order_ = sorted_by_name(spec_.fields, all);
    key_order_ = sorted_by_name(spec_.fields, spec_.key);
    parent_order_.resize(spec_.parent_key.size());
    std::iota(parent_order_.begin(), parent_order_.end(), 0);
    std::sort(parent_order_.begin(), parent_order_.end(), [&](std::size_t a, std::size_t b) {
        return spec_.parent_key[a].first < spec_.parent_key[b].first;
    });
    scratch_.reserve(spec_.fields.size());
}

Status Identity::compute(HashedRow& row) {
    const auto& values = row.values;
    scratch_.clear();
    for (std::size_t i : key_order_) {
        if (values[i].is_null()) {
            return make_error(ErrorCode::invalid_argument, "business key field '{}' is empty",
                              spec_.fields[i].name);
        }
        scratch_.push_back(NamedValue{spec_.fields[i].name, &values[i]});
    }
    row.bk = hasher_.hash_sorted(kBusinessKeyDomain, scratch_);

    scratch_.clear();
    for (std::size_t i : data_order_) {
        scratch_.push_back(NamedValue{spec_.fields[i].name, &values[i]});
    }
    row.data_hash = hasher_.hash_sorted(kDataDomain, scratch_);

    row.parent_bk.reset();
    if (!spec_.parent_key.empty()) {
        scratch_.clear();
        bool complete = true;
        for (std::size_t p : parent_order_) {
            const auto& [parent_name, child_index] = spec_.parent_key[p];
            if (values[child_index].is_null()) {
                complete = false;  // no parent reference: the row stands alone
                break;
            }
            scratch_.push_back(NamedValue{parent_name, &values[child_index]});
        }
        if (complete) {
            row.parent_bk = hasher_.hash_sorted(kBusinessKeyDomain, scratch_);
        }
    }

    row.rowversion.clear();
    if (spec_.rowversion && !values[*spec_.rowversion].is_null()) {
        row.rowversion = values[*spec_.rowversion].to_text();
    }
    return ok();
}

}  // namespace cs::agent
