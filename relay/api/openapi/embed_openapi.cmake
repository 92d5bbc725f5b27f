# cmake -DINPUT=openapi.json -DOUTPUT=openapi_document.cpp -P embed_openapi.cmake
file(READ ${INPUT} text)
string(FIND "${text}" ")cs_json\"" clash)
if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT}: contains the raw string delimiter )cs_json\"")
endif()
file(WRITE ${OUTPUT}.tmp "// Generated from relay/api/openapi/openapi.json; do not edit.\n"
     "namespace cs::relay::api {\n"
     "extern const char* const kOpenApiDocument;\n"
     "const char* const kOpenApiDocument = R\"cs_json(${text})cs_json\";\n"
     "}  // namespace cs::relay::api\n")
configure_file(${OUTPUT}.tmp ${OUTPUT} COPYONLY)
