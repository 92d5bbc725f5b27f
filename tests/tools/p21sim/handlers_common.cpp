#include <fmt/format.h>

#include "tests/tools/p21sim/handlers.hpp"

namespace cs::p21sim {

HttpResponse error_response(int status, std::string_view message) {
    HttpResponse r;
    r.status = status;
    r.body = error_body(status, message);
    return r;
}

HttpResponse json_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

void apply_page_fault(Context& context, const Faults::PageDecision& fault, HttpResponse& response) {
    if (response.status != 200) {
        return;
    }
    response.truncate = fault.truncate;
    response.delay_ms = fault.stall_ms;
    if (fault.truncate) {
        context.faults.note_truncated();
    }
    if (fault.stall_ms > 0) {
        context.faults.note_stalled();
    }
}

std::string request_origin(const Context& context, const HttpRequest& request) {
    std::string_view host = request.header("host");
    if (host.empty()) {
        return context.origin;
    }
    return fmt::format("{}://{}", request.secure ? "https" : "http", host);
}

namespace {

void append_xml_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out.push_back(c);
        }
    }
}

}  // namespace

std::string metadata_xml(std::string_view namespace_name,
                         std::span<const TableSchema* const> schemas) {
    std::string out =
        R"(<?xml version="1.0" encoding="utf-8"?>)"
        R"(<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">)"
        R"(<edmx:DataServices><Schema Namespace=")";
    append_xml_escaped(out, namespace_name);
    out += R"(" xmlns="http://docs.oasis-open.org/odata/ns/edm">)";
    for (const TableSchema* schema : schemas) {
        out += R"(<EntityType Name=")";
        append_xml_escaped(out, schema->name);
        out += R"("><Key><PropertyRef Name=")";
        append_xml_escaped(out, schema->columns[schema->key].name);
        out += R"("/></Key>)";
        for (const Column& column : schema->columns) {
            out +=
                fmt::format(R"(<Property Name="{}" Type="{}")", column.name, edm_name(column.type));
            if (column.type == Type::decimal) {
                out += fmt::format(R"( Precision="19" Scale="{}")", column.scale);
            }
            if (column.max_length > 0) {
                out += fmt::format(R"( MaxLength="{}")", column.max_length);
            }
            out += column.nullable ? "/>" : R"( Nullable="false"/>)";
        }
        out += "</EntityType>";
    }
    out += R"(<EntityContainer Name="Container">)";
    for (const TableSchema* schema : schemas) {
        out += fmt::format(R"(<EntitySet Name="{0}" EntityType="{1}.{0}"/>)", schema->name,
                           namespace_name);
    }
    out += "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>";
    return out;
}

}  // namespace cs::p21sim
