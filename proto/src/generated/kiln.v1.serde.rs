impl serde::Serialize for Bookmark {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Bookmark", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("runs", &self.runs)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Bookmark {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "runs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Runs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "runs" => Ok(GeneratedField::Runs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Bookmark;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Bookmark")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Bookmark, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut runs__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Runs => {
                            if runs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("runs"));
                            }
                            runs__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(Bookmark {
                    name: name__.unwrap_or_default(),
                    runs: runs__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Bookmark", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for BookmarkRun {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.BookmarkRun", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ended_at_ms", ToString::to_string(&self.ended_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("file_count", ToString::to_string(&self.file_count).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bytes", ToString::to_string(&self.bytes).as_str())?;
        }
        if true {
            struct_ser.serialize_field("files", &self.files)?;
        }
        if true {
            struct_ser.serialize_field("windows", &self.windows)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for BookmarkRun {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
            "ended_at_ms",
            "endedAtMs",
            "file_count",
            "fileCount",
            "bytes",
            "files",
            "windows",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
            EndedAtMs,
            FileCount,
            Bytes,
            Files,
            Windows,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "endedAtMs" | "ended_at_ms" => Ok(GeneratedField::EndedAtMs),
                            "fileCount" | "file_count" => Ok(GeneratedField::FileCount),
                            "bytes" => Ok(GeneratedField::Bytes),
                            "files" => Ok(GeneratedField::Files),
                            "windows" => Ok(GeneratedField::Windows),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = BookmarkRun;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.BookmarkRun")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<BookmarkRun, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                let mut ended_at_ms__ = None;
                let mut file_count__ = None;
                let mut bytes__ = None;
                let mut files__ = None;
                let mut windows__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::EndedAtMs => {
                            if ended_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("endedAtMs"));
                            }
                            ended_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::FileCount => {
                            if file_count__.is_some() {
                                return Err(serde::de::Error::duplicate_field("fileCount"));
                            }
                            file_count__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Bytes => {
                            if bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bytes"));
                            }
                            bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Files => {
                            if files__.is_some() {
                                return Err(serde::de::Error::duplicate_field("files"));
                            }
                            files__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Windows => {
                            if windows__.is_some() {
                                return Err(serde::de::Error::duplicate_field("windows"));
                            }
                            windows__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(BookmarkRun {
                    job_id: job_id__.unwrap_or_default(),
                    ended_at_ms: ended_at_ms__.unwrap_or_default(),
                    file_count: file_count__.unwrap_or_default(),
                    bytes: bytes__.unwrap_or_default(),
                    files: files__.unwrap_or_default(),
                    windows: windows__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.BookmarkRun", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for BookmarkedFile {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.BookmarkedFile", len)?;
        if true {
            struct_ser.serialize_field("path", &self.path)?;
        }
        if true {
            struct_ser.serialize_field("e_tag", &self.e_tag)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("size", ToString::to_string(&self.size).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for BookmarkedFile {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "path",
            "e_tag",
            "eTag",
            "size",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Path,
            ETag,
            Size,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "path" => Ok(GeneratedField::Path),
                            "eTag" | "e_tag" => Ok(GeneratedField::ETag),
                            "size" => Ok(GeneratedField::Size),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = BookmarkedFile;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.BookmarkedFile")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<BookmarkedFile, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut path__ = None;
                let mut e_tag__ = None;
                let mut size__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Path => {
                            if path__.is_some() {
                                return Err(serde::de::Error::duplicate_field("path"));
                            }
                            path__ = Some(map_.next_value()?);
                        }
                        GeneratedField::ETag => {
                            if e_tag__.is_some() {
                                return Err(serde::de::Error::duplicate_field("eTag"));
                            }
                            e_tag__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Size => {
                            if size__.is_some() {
                                return Err(serde::de::Error::duplicate_field("size"));
                            }
                            size__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(BookmarkedFile {
                    path: path__.unwrap_or_default(),
                    e_tag: e_tag__.unwrap_or_default(),
                    size: size__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.BookmarkedFile", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CancelJobRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CancelJobRequest", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CancelJobRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CancelJobRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CancelJobRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CancelJobRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(CancelJobRequest {
                    job_id: job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CancelJobRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CancelJobResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CancelJobResponse", len)?;
        if true {
            let v = JobState::try_from(self.state)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.state)))?;
            struct_ser.serialize_field("state", &v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CancelJobResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "state",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            State,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "state" => Ok(GeneratedField::State),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CancelJobResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CancelJobResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CancelJobResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut state__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::State => {
                            if state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("state"));
                            }
                            state__ = Some(map_.next_value::<JobState>()? as i32);
                        }
                    }
                }
                Ok(CancelJobResponse {
                    state: state__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CancelJobResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CatalogColumn {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CatalogColumn", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("data_type", &self.data_type)?;
        }
        if true {
            struct_ser.serialize_field("nullable", &self.nullable)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CatalogColumn {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "data_type",
            "dataType",
            "nullable",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            DataType,
            Nullable,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "dataType" | "data_type" => Ok(GeneratedField::DataType),
                            "nullable" => Ok(GeneratedField::Nullable),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CatalogColumn;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CatalogColumn")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CatalogColumn, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut data_type__ = None;
                let mut nullable__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::DataType => {
                            if data_type__.is_some() {
                                return Err(serde::de::Error::duplicate_field("dataType"));
                            }
                            data_type__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Nullable => {
                            if nullable__.is_some() {
                                return Err(serde::de::Error::duplicate_field("nullable"));
                            }
                            nullable__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(CatalogColumn {
                    name: name__.unwrap_or_default(),
                    data_type: data_type__.unwrap_or_default(),
                    nullable: nullable__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CatalogColumn", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CatalogDatabase {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CatalogDatabase", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("description", &self.description)?;
        }
        if true {
            struct_ser.serialize_field("created_by", &self.created_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CatalogDatabase {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "description",
            "created_by",
            "createdBy",
            "created_at_ms",
            "createdAtMs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Description,
            CreatedBy,
            CreatedAtMs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "description" => Ok(GeneratedField::Description),
                            "createdBy" | "created_by" => Ok(GeneratedField::CreatedBy),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CatalogDatabase;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CatalogDatabase")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CatalogDatabase, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut description__ = None;
                let mut created_by__ = None;
                let mut created_at_ms__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Description => {
                            if description__.is_some() {
                                return Err(serde::de::Error::duplicate_field("description"));
                            }
                            description__ = Some(map_.next_value()?);
                        }
                        GeneratedField::CreatedBy => {
                            if created_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdBy"));
                            }
                            created_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(CatalogDatabase {
                    name: name__.unwrap_or_default(),
                    description: description__.unwrap_or_default(),
                    created_by: created_by__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CatalogDatabase", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CatalogPartition {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CatalogPartition", len)?;
        if true {
            struct_ser.serialize_field("values", &self.values)?;
        }
        if true {
            struct_ser.serialize_field("location", &self.location)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("file_count", ToString::to_string(&self.file_count).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bytes", ToString::to_string(&self.bytes).as_str())?;
        }
        if true {
            struct_ser.serialize_field("added_by", &self.added_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("added_at_ms", ToString::to_string(&self.added_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("fingerprint", &self.fingerprint)?;
        }
        if true {
            struct_ser.serialize_field("deprecated", &self.deprecated)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CatalogPartition {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "values",
            "location",
            "file_count",
            "fileCount",
            "bytes",
            "added_by",
            "addedBy",
            "added_at_ms",
            "addedAtMs",
            "fingerprint",
            "deprecated",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Values,
            Location,
            FileCount,
            Bytes,
            AddedBy,
            AddedAtMs,
            Fingerprint,
            Deprecated,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "values" => Ok(GeneratedField::Values),
                            "location" => Ok(GeneratedField::Location),
                            "fileCount" | "file_count" => Ok(GeneratedField::FileCount),
                            "bytes" => Ok(GeneratedField::Bytes),
                            "addedBy" | "added_by" => Ok(GeneratedField::AddedBy),
                            "addedAtMs" | "added_at_ms" => Ok(GeneratedField::AddedAtMs),
                            "fingerprint" => Ok(GeneratedField::Fingerprint),
                            "deprecated" => Ok(GeneratedField::Deprecated),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CatalogPartition;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CatalogPartition")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CatalogPartition, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut values__ = None;
                let mut location__ = None;
                let mut file_count__ = None;
                let mut bytes__ = None;
                let mut added_by__ = None;
                let mut added_at_ms__ = None;
                let mut fingerprint__ = None;
                let mut deprecated__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Values => {
                            if values__.is_some() {
                                return Err(serde::de::Error::duplicate_field("values"));
                            }
                            values__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Location => {
                            if location__.is_some() {
                                return Err(serde::de::Error::duplicate_field("location"));
                            }
                            location__ = Some(map_.next_value()?);
                        }
                        GeneratedField::FileCount => {
                            if file_count__.is_some() {
                                return Err(serde::de::Error::duplicate_field("fileCount"));
                            }
                            file_count__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Bytes => {
                            if bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bytes"));
                            }
                            bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::AddedBy => {
                            if added_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("addedBy"));
                            }
                            added_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::AddedAtMs => {
                            if added_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("addedAtMs"));
                            }
                            added_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Fingerprint => {
                            if fingerprint__.is_some() {
                                return Err(serde::de::Error::duplicate_field("fingerprint"));
                            }
                            fingerprint__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Deprecated => {
                            if deprecated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("deprecated"));
                            }
                            deprecated__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(CatalogPartition {
                    values: values__.unwrap_or_default(),
                    location: location__.unwrap_or_default(),
                    file_count: file_count__.unwrap_or_default(),
                    bytes: bytes__.unwrap_or_default(),
                    added_by: added_by__.unwrap_or_default(),
                    added_at_ms: added_at_ms__.unwrap_or_default(),
                    fingerprint: fingerprint__.unwrap_or_default(),
                    deprecated: deprecated__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CatalogPartition", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CatalogScan {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CatalogScan", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions", ToString::to_string(&self.partitions).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("files", ToString::to_string(&self.files).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bytes", ToString::to_string(&self.bytes).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_pruned", ToString::to_string(&self.partitions_pruned).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CatalogScan {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "partitions",
            "files",
            "bytes",
            "partitions_pruned",
            "partitionsPruned",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Partitions,
            Files,
            Bytes,
            PartitionsPruned,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "partitions" => Ok(GeneratedField::Partitions),
                            "files" => Ok(GeneratedField::Files),
                            "bytes" => Ok(GeneratedField::Bytes),
                            "partitionsPruned" | "partitions_pruned" => Ok(GeneratedField::PartitionsPruned),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CatalogScan;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CatalogScan")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CatalogScan, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut partitions__ = None;
                let mut files__ = None;
                let mut bytes__ = None;
                let mut partitions_pruned__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Partitions => {
                            if partitions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitions"));
                            }
                            partitions__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Files => {
                            if files__.is_some() {
                                return Err(serde::de::Error::duplicate_field("files"));
                            }
                            files__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Bytes => {
                            if bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bytes"));
                            }
                            bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::PartitionsPruned => {
                            if partitions_pruned__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsPruned"));
                            }
                            partitions_pruned__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(CatalogScan {
                    partitions: partitions__.unwrap_or_default(),
                    files: files__.unwrap_or_default(),
                    bytes: bytes__.unwrap_or_default(),
                    partitions_pruned: partitions_pruned__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CatalogScan", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CatalogTable {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CatalogTable", len)?;
        if true {
            struct_ser.serialize_field("database", &self.database)?;
        }
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("location", &self.location)?;
        }
        if true {
            struct_ser.serialize_field("format", &self.format)?;
        }
        if true {
            struct_ser.serialize_field("options", &self.options)?;
        }
        if true {
            struct_ser.serialize_field("columns", &self.columns)?;
        }
        if true {
            struct_ser.serialize_field("partition_keys", &self.partition_keys)?;
        }
        if true {
            struct_ser.serialize_field("parameters", &self.parameters)?;
        }
        if true {
            struct_ser.serialize_field("created_by", &self.created_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("updated_by", &self.updated_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("updated_at_ms", ToString::to_string(&self.updated_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("version", &self.version)?;
        }
        if true {
            struct_ser.serialize_field("earlier_versions", &self.earlier_versions)?;
        }
        if true {
            struct_ser.serialize_field("deprecated", &self.deprecated)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CatalogTable {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "database",
            "name",
            "location",
            "format",
            "options",
            "columns",
            "partition_keys",
            "partitionKeys",
            "parameters",
            "created_by",
            "createdBy",
            "created_at_ms",
            "createdAtMs",
            "updated_by",
            "updatedBy",
            "updated_at_ms",
            "updatedAtMs",
            "version",
            "earlier_versions",
            "earlierVersions",
            "deprecated",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Database,
            Name,
            Location,
            Format,
            Options,
            Columns,
            PartitionKeys,
            Parameters,
            CreatedBy,
            CreatedAtMs,
            UpdatedBy,
            UpdatedAtMs,
            Version,
            EarlierVersions,
            Deprecated,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "database" => Ok(GeneratedField::Database),
                            "name" => Ok(GeneratedField::Name),
                            "location" => Ok(GeneratedField::Location),
                            "format" => Ok(GeneratedField::Format),
                            "options" => Ok(GeneratedField::Options),
                            "columns" => Ok(GeneratedField::Columns),
                            "partitionKeys" | "partition_keys" => Ok(GeneratedField::PartitionKeys),
                            "parameters" => Ok(GeneratedField::Parameters),
                            "createdBy" | "created_by" => Ok(GeneratedField::CreatedBy),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            "updatedBy" | "updated_by" => Ok(GeneratedField::UpdatedBy),
                            "updatedAtMs" | "updated_at_ms" => Ok(GeneratedField::UpdatedAtMs),
                            "version" => Ok(GeneratedField::Version),
                            "earlierVersions" | "earlier_versions" => Ok(GeneratedField::EarlierVersions),
                            "deprecated" => Ok(GeneratedField::Deprecated),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CatalogTable;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CatalogTable")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CatalogTable, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut database__ = None;
                let mut name__ = None;
                let mut location__ = None;
                let mut format__ = None;
                let mut options__ = None;
                let mut columns__ = None;
                let mut partition_keys__ = None;
                let mut parameters__ = None;
                let mut created_by__ = None;
                let mut created_at_ms__ = None;
                let mut updated_by__ = None;
                let mut updated_at_ms__ = None;
                let mut version__ = None;
                let mut earlier_versions__ = None;
                let mut deprecated__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Database => {
                            if database__.is_some() {
                                return Err(serde::de::Error::duplicate_field("database"));
                            }
                            database__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Location => {
                            if location__.is_some() {
                                return Err(serde::de::Error::duplicate_field("location"));
                            }
                            location__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Format => {
                            if format__.is_some() {
                                return Err(serde::de::Error::duplicate_field("format"));
                            }
                            format__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Options => {
                            if options__.is_some() {
                                return Err(serde::de::Error::duplicate_field("options"));
                            }
                            options__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::Columns => {
                            if columns__.is_some() {
                                return Err(serde::de::Error::duplicate_field("columns"));
                            }
                            columns__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PartitionKeys => {
                            if partition_keys__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionKeys"));
                            }
                            partition_keys__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Parameters => {
                            if parameters__.is_some() {
                                return Err(serde::de::Error::duplicate_field("parameters"));
                            }
                            parameters__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::CreatedBy => {
                            if created_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdBy"));
                            }
                            created_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::UpdatedBy => {
                            if updated_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("updatedBy"));
                            }
                            updated_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::UpdatedAtMs => {
                            if updated_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("updatedAtMs"));
                            }
                            updated_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Version => {
                            if version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("version"));
                            }
                            version__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::EarlierVersions => {
                            if earlier_versions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("earlierVersions"));
                            }
                            earlier_versions__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Deprecated => {
                            if deprecated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("deprecated"));
                            }
                            deprecated__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(CatalogTable {
                    database: database__.unwrap_or_default(),
                    name: name__.unwrap_or_default(),
                    location: location__.unwrap_or_default(),
                    format: format__.unwrap_or_default(),
                    options: options__.unwrap_or_default(),
                    columns: columns__.unwrap_or_default(),
                    partition_keys: partition_keys__.unwrap_or_default(),
                    parameters: parameters__.unwrap_or_default(),
                    created_by: created_by__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                    updated_by: updated_by__.unwrap_or_default(),
                    updated_at_ms: updated_at_ms__.unwrap_or_default(),
                    version: version__.unwrap_or_default(),
                    earlier_versions: earlier_versions__.unwrap_or_default(),
                    deprecated: deprecated__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CatalogTable", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for Classifier {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Classifier", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("format", &self.format)?;
        }
        if true {
            struct_ser.serialize_field("options", &self.options)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Classifier {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "format",
            "options",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Format,
            Options,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "format" => Ok(GeneratedField::Format),
                            "options" => Ok(GeneratedField::Options),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Classifier;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Classifier")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Classifier, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut format__ = None;
                let mut options__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Format => {
                            if format__.is_some() {
                                return Err(serde::de::Error::duplicate_field("format"));
                            }
                            format__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Options => {
                            if options__.is_some() {
                                return Err(serde::de::Error::duplicate_field("options"));
                            }
                            options__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                    }
                }
                Ok(Classifier {
                    name: name__.unwrap_or_default(),
                    format: format__.unwrap_or_default(),
                    options: options__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Classifier", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ConcurrencyPolicy {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Forbid => "CONCURRENCY_POLICY_FORBID",
            Self::Allow => "CONCURRENCY_POLICY_ALLOW",
            Self::Replace => "CONCURRENCY_POLICY_REPLACE",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for ConcurrencyPolicy {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "CONCURRENCY_POLICY_FORBID",
            "CONCURRENCY_POLICY_ALLOW",
            "CONCURRENCY_POLICY_REPLACE",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = ConcurrencyPolicy;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "CONCURRENCY_POLICY_FORBID" => Ok(ConcurrencyPolicy::Forbid),
                    "CONCURRENCY_POLICY_ALLOW" => Ok(ConcurrencyPolicy::Allow),
                    "CONCURRENCY_POLICY_REPLACE" => Ok(ConcurrencyPolicy::Replace),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for CrawlRun {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CrawlRun", len)?;
        if true {
            struct_ser.serialize_field("crawler", &self.crawler)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("started_at_ms", ToString::to_string(&self.started_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("duration_ms", ToString::to_string(&self.duration_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("dry_run", &self.dry_run)?;
        }
        if true {
            struct_ser.serialize_field("tables_created", &self.tables_created)?;
        }
        if true {
            struct_ser.serialize_field("tables_updated", &self.tables_updated)?;
        }
        if true {
            struct_ser.serialize_field("tables_deprecated", &self.tables_deprecated)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_added", ToString::to_string(&self.partitions_added).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_removed", ToString::to_string(&self.partitions_removed).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_deprecated", ToString::to_string(&self.partitions_deprecated).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_unchanged", ToString::to_string(&self.partitions_unchanged).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("objects_listed", ToString::to_string(&self.objects_listed).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("objects_read", ToString::to_string(&self.objects_read).as_str())?;
        }
        if true {
            struct_ser.serialize_field("errors", &self.errors)?;
        }
        if true {
            struct_ser.serialize_field("changes", &self.changes)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("partitions_updated", ToString::to_string(&self.partitions_updated).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CrawlRun {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "crawler",
            "started_at_ms",
            "startedAtMs",
            "duration_ms",
            "durationMs",
            "dry_run",
            "dryRun",
            "tables_created",
            "tablesCreated",
            "tables_updated",
            "tablesUpdated",
            "tables_deprecated",
            "tablesDeprecated",
            "partitions_added",
            "partitionsAdded",
            "partitions_removed",
            "partitionsRemoved",
            "partitions_deprecated",
            "partitionsDeprecated",
            "partitions_unchanged",
            "partitionsUnchanged",
            "objects_listed",
            "objectsListed",
            "objects_read",
            "objectsRead",
            "errors",
            "changes",
            "partitions_updated",
            "partitionsUpdated",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Crawler,
            StartedAtMs,
            DurationMs,
            DryRun,
            TablesCreated,
            TablesUpdated,
            TablesDeprecated,
            PartitionsAdded,
            PartitionsRemoved,
            PartitionsDeprecated,
            PartitionsUnchanged,
            ObjectsListed,
            ObjectsRead,
            Errors,
            Changes,
            PartitionsUpdated,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "crawler" => Ok(GeneratedField::Crawler),
                            "startedAtMs" | "started_at_ms" => Ok(GeneratedField::StartedAtMs),
                            "durationMs" | "duration_ms" => Ok(GeneratedField::DurationMs),
                            "dryRun" | "dry_run" => Ok(GeneratedField::DryRun),
                            "tablesCreated" | "tables_created" => Ok(GeneratedField::TablesCreated),
                            "tablesUpdated" | "tables_updated" => Ok(GeneratedField::TablesUpdated),
                            "tablesDeprecated" | "tables_deprecated" => Ok(GeneratedField::TablesDeprecated),
                            "partitionsAdded" | "partitions_added" => Ok(GeneratedField::PartitionsAdded),
                            "partitionsRemoved" | "partitions_removed" => Ok(GeneratedField::PartitionsRemoved),
                            "partitionsDeprecated" | "partitions_deprecated" => Ok(GeneratedField::PartitionsDeprecated),
                            "partitionsUnchanged" | "partitions_unchanged" => Ok(GeneratedField::PartitionsUnchanged),
                            "objectsListed" | "objects_listed" => Ok(GeneratedField::ObjectsListed),
                            "objectsRead" | "objects_read" => Ok(GeneratedField::ObjectsRead),
                            "errors" => Ok(GeneratedField::Errors),
                            "changes" => Ok(GeneratedField::Changes),
                            "partitionsUpdated" | "partitions_updated" => Ok(GeneratedField::PartitionsUpdated),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CrawlRun;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CrawlRun")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CrawlRun, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut crawler__ = None;
                let mut started_at_ms__ = None;
                let mut duration_ms__ = None;
                let mut dry_run__ = None;
                let mut tables_created__ = None;
                let mut tables_updated__ = None;
                let mut tables_deprecated__ = None;
                let mut partitions_added__ = None;
                let mut partitions_removed__ = None;
                let mut partitions_deprecated__ = None;
                let mut partitions_unchanged__ = None;
                let mut objects_listed__ = None;
                let mut objects_read__ = None;
                let mut errors__ = None;
                let mut changes__ = None;
                let mut partitions_updated__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = Some(map_.next_value()?);
                        }
                        GeneratedField::StartedAtMs => {
                            if started_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("startedAtMs"));
                            }
                            started_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::DurationMs => {
                            if duration_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("durationMs"));
                            }
                            duration_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::DryRun => {
                            if dry_run__.is_some() {
                                return Err(serde::de::Error::duplicate_field("dryRun"));
                            }
                            dry_run__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TablesCreated => {
                            if tables_created__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tablesCreated"));
                            }
                            tables_created__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TablesUpdated => {
                            if tables_updated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tablesUpdated"));
                            }
                            tables_updated__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TablesDeprecated => {
                            if tables_deprecated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tablesDeprecated"));
                            }
                            tables_deprecated__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PartitionsAdded => {
                            if partitions_added__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsAdded"));
                            }
                            partitions_added__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::PartitionsRemoved => {
                            if partitions_removed__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsRemoved"));
                            }
                            partitions_removed__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::PartitionsDeprecated => {
                            if partitions_deprecated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsDeprecated"));
                            }
                            partitions_deprecated__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::PartitionsUnchanged => {
                            if partitions_unchanged__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsUnchanged"));
                            }
                            partitions_unchanged__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::ObjectsListed => {
                            if objects_listed__.is_some() {
                                return Err(serde::de::Error::duplicate_field("objectsListed"));
                            }
                            objects_listed__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::ObjectsRead => {
                            if objects_read__.is_some() {
                                return Err(serde::de::Error::duplicate_field("objectsRead"));
                            }
                            objects_read__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Errors => {
                            if errors__.is_some() {
                                return Err(serde::de::Error::duplicate_field("errors"));
                            }
                            errors__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Changes => {
                            if changes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("changes"));
                            }
                            changes__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PartitionsUpdated => {
                            if partitions_updated__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionsUpdated"));
                            }
                            partitions_updated__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(CrawlRun {
                    crawler: crawler__.unwrap_or_default(),
                    started_at_ms: started_at_ms__.unwrap_or_default(),
                    duration_ms: duration_ms__.unwrap_or_default(),
                    dry_run: dry_run__.unwrap_or_default(),
                    tables_created: tables_created__.unwrap_or_default(),
                    tables_updated: tables_updated__.unwrap_or_default(),
                    tables_deprecated: tables_deprecated__.unwrap_or_default(),
                    partitions_added: partitions_added__.unwrap_or_default(),
                    partitions_removed: partitions_removed__.unwrap_or_default(),
                    partitions_deprecated: partitions_deprecated__.unwrap_or_default(),
                    partitions_unchanged: partitions_unchanged__.unwrap_or_default(),
                    objects_listed: objects_listed__.unwrap_or_default(),
                    objects_read: objects_read__.unwrap_or_default(),
                    errors: errors__.unwrap_or_default(),
                    changes: changes__.unwrap_or_default(),
                    partitions_updated: partitions_updated__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CrawlRun", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for Crawler {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Crawler", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("database", &self.database)?;
        }
        if true {
            struct_ser.serialize_field("table_prefix", &self.table_prefix)?;
        }
        if true {
            struct_ser.serialize_field("targets", &self.targets)?;
        }
        if true {
            struct_ser.serialize_field("exclusions", &self.exclusions)?;
        }
        if true {
            struct_ser.serialize_field("partition_keys", &self.partition_keys)?;
        }
        if true {
            struct_ser.serialize_field("table_level", &self.table_level)?;
        }
        if true {
            let v = SchemaChangePolicy::try_from(self.schema_change)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.schema_change)))?;
            struct_ser.serialize_field("schema_change", &v)?;
        }
        if true {
            let v = DeletionPolicy::try_from(self.deletion)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.deletion)))?;
            struct_ser.serialize_field("deletion", &v)?;
        }
        if true {
            let v = RecrawlPolicy::try_from(self.recrawl)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.recrawl)))?;
            struct_ser.serialize_field("recrawl", &v)?;
        }
        if true {
            struct_ser.serialize_field("sample_files", &self.sample_files)?;
        }
        if true {
            struct_ser.serialize_field("created_by", &self.created_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("includes", &self.includes)?;
        }
        if true {
            struct_ser.serialize_field("password_secret", &self.password_secret)?;
        }
        if true {
            struct_ser.serialize_field("classifiers", &self.classifiers)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Crawler {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "database",
            "table_prefix",
            "tablePrefix",
            "targets",
            "exclusions",
            "partition_keys",
            "partitionKeys",
            "table_level",
            "tableLevel",
            "schema_change",
            "schemaChange",
            "deletion",
            "recrawl",
            "sample_files",
            "sampleFiles",
            "created_by",
            "createdBy",
            "created_at_ms",
            "createdAtMs",
            "includes",
            "password_secret",
            "passwordSecret",
            "classifiers",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Database,
            TablePrefix,
            Targets,
            Exclusions,
            PartitionKeys,
            TableLevel,
            SchemaChange,
            Deletion,
            Recrawl,
            SampleFiles,
            CreatedBy,
            CreatedAtMs,
            Includes,
            PasswordSecret,
            Classifiers,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "database" => Ok(GeneratedField::Database),
                            "tablePrefix" | "table_prefix" => Ok(GeneratedField::TablePrefix),
                            "targets" => Ok(GeneratedField::Targets),
                            "exclusions" => Ok(GeneratedField::Exclusions),
                            "partitionKeys" | "partition_keys" => Ok(GeneratedField::PartitionKeys),
                            "tableLevel" | "table_level" => Ok(GeneratedField::TableLevel),
                            "schemaChange" | "schema_change" => Ok(GeneratedField::SchemaChange),
                            "deletion" => Ok(GeneratedField::Deletion),
                            "recrawl" => Ok(GeneratedField::Recrawl),
                            "sampleFiles" | "sample_files" => Ok(GeneratedField::SampleFiles),
                            "createdBy" | "created_by" => Ok(GeneratedField::CreatedBy),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            "includes" => Ok(GeneratedField::Includes),
                            "passwordSecret" | "password_secret" => Ok(GeneratedField::PasswordSecret),
                            "classifiers" => Ok(GeneratedField::Classifiers),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Crawler;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Crawler")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Crawler, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut database__ = None;
                let mut table_prefix__ = None;
                let mut targets__ = None;
                let mut exclusions__ = None;
                let mut partition_keys__ = None;
                let mut table_level__ = None;
                let mut schema_change__ = None;
                let mut deletion__ = None;
                let mut recrawl__ = None;
                let mut sample_files__ = None;
                let mut created_by__ = None;
                let mut created_at_ms__ = None;
                let mut includes__ = None;
                let mut password_secret__ = None;
                let mut classifiers__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Database => {
                            if database__.is_some() {
                                return Err(serde::de::Error::duplicate_field("database"));
                            }
                            database__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TablePrefix => {
                            if table_prefix__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tablePrefix"));
                            }
                            table_prefix__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Targets => {
                            if targets__.is_some() {
                                return Err(serde::de::Error::duplicate_field("targets"));
                            }
                            targets__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Exclusions => {
                            if exclusions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("exclusions"));
                            }
                            exclusions__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PartitionKeys => {
                            if partition_keys__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionKeys"));
                            }
                            partition_keys__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TableLevel => {
                            if table_level__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tableLevel"));
                            }
                            table_level__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::SchemaChange => {
                            if schema_change__.is_some() {
                                return Err(serde::de::Error::duplicate_field("schemaChange"));
                            }
                            schema_change__ = Some(map_.next_value::<SchemaChangePolicy>()? as i32);
                        }
                        GeneratedField::Deletion => {
                            if deletion__.is_some() {
                                return Err(serde::de::Error::duplicate_field("deletion"));
                            }
                            deletion__ = Some(map_.next_value::<DeletionPolicy>()? as i32);
                        }
                        GeneratedField::Recrawl => {
                            if recrawl__.is_some() {
                                return Err(serde::de::Error::duplicate_field("recrawl"));
                            }
                            recrawl__ = Some(map_.next_value::<RecrawlPolicy>()? as i32);
                        }
                        GeneratedField::SampleFiles => {
                            if sample_files__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sampleFiles"));
                            }
                            sample_files__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::CreatedBy => {
                            if created_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdBy"));
                            }
                            created_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Includes => {
                            if includes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("includes"));
                            }
                            includes__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PasswordSecret => {
                            if password_secret__.is_some() {
                                return Err(serde::de::Error::duplicate_field("passwordSecret"));
                            }
                            password_secret__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Classifiers => {
                            if classifiers__.is_some() {
                                return Err(serde::de::Error::duplicate_field("classifiers"));
                            }
                            classifiers__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(Crawler {
                    name: name__.unwrap_or_default(),
                    database: database__.unwrap_or_default(),
                    table_prefix: table_prefix__.unwrap_or_default(),
                    targets: targets__.unwrap_or_default(),
                    exclusions: exclusions__.unwrap_or_default(),
                    partition_keys: partition_keys__.unwrap_or_default(),
                    table_level: table_level__.unwrap_or_default(),
                    schema_change: schema_change__.unwrap_or_default(),
                    deletion: deletion__.unwrap_or_default(),
                    recrawl: recrawl__.unwrap_or_default(),
                    sample_files: sample_files__.unwrap_or_default(),
                    created_by: created_by__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                    includes: includes__.unwrap_or_default(),
                    password_secret: password_secret__.unwrap_or_default(),
                    classifiers: classifiers__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Crawler", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for CreateCrawlerRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.CreateCrawlerRequest", len)?;
        if let Some(v) = self.crawler.as_ref() {
            struct_ser.serialize_field("crawler", v)?;
        }
        if true {
            struct_ser.serialize_field("by", &self.by)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for CreateCrawlerRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "crawler",
            "by",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Crawler,
            By,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "crawler" => Ok(GeneratedField::Crawler),
                            "by" => Ok(GeneratedField::By),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = CreateCrawlerRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.CreateCrawlerRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<CreateCrawlerRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut crawler__ = None;
                let mut by__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = map_.next_value()?;
                        }
                        GeneratedField::By => {
                            if by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("by"));
                            }
                            by__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(CreateCrawlerRequest {
                    crawler: crawler__,
                    by: by__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.CreateCrawlerRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeadLetter {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.DeadLetter", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("at_ms", ToString::to_string(&self.at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("reason", &self.reason)?;
        }
        if true {
            struct_ser.serialize_field("event", &self.event)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeadLetter {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "at_ms",
            "atMs",
            "reason",
            "event",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            AtMs,
            Reason,
            Event,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "atMs" | "at_ms" => Ok(GeneratedField::AtMs),
                            "reason" => Ok(GeneratedField::Reason),
                            "event" => Ok(GeneratedField::Event),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeadLetter;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeadLetter")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeadLetter, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut at_ms__ = None;
                let mut reason__ = None;
                let mut event__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::AtMs => {
                            if at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("atMs"));
                            }
                            at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Reason => {
                            if reason__.is_some() {
                                return Err(serde::de::Error::duplicate_field("reason"));
                            }
                            reason__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Event => {
                            if event__.is_some() {
                                return Err(serde::de::Error::duplicate_field("event"));
                            }
                            event__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(DeadLetter {
                    at_ms: at_ms__.unwrap_or_default(),
                    reason: reason__.unwrap_or_default(),
                    event: event__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeadLetter", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteCrawlerRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.DeleteCrawlerRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteCrawlerRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteCrawlerRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteCrawlerRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteCrawlerRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(DeleteCrawlerRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteCrawlerRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteCrawlerResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.DeleteCrawlerResponse", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteCrawlerResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteCrawlerResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteCrawlerResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteCrawlerResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(DeleteCrawlerResponse {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteCrawlerResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteDefinitionRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.DeleteDefinitionRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteDefinitionRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteDefinitionRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteDefinitionRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteDefinitionRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(DeleteDefinitionRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteDefinitionRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteDefinitionResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.DeleteDefinitionResponse", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteDefinitionResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteDefinitionResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteDefinitionResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteDefinitionResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(DeleteDefinitionResponse {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteDefinitionResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteScheduleRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.DeleteScheduleRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteScheduleRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteScheduleRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteScheduleRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteScheduleRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(DeleteScheduleRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteScheduleRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteScheduleResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.DeleteScheduleResponse", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteScheduleResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteScheduleResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteScheduleResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteScheduleResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(DeleteScheduleResponse {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteScheduleResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteTriggerRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.DeleteTriggerRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteTriggerRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteTriggerRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteTriggerRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteTriggerRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(DeleteTriggerRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteTriggerRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeleteTriggerResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.DeleteTriggerResponse", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for DeleteTriggerResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = DeleteTriggerResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.DeleteTriggerResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<DeleteTriggerResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(DeleteTriggerResponse {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.DeleteTriggerResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for DeletionPolicy {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::DeletionDeprecate => "DELETION_DEPRECATE",
            Self::DeletionDelete => "DELETION_DELETE",
            Self::DeletionLog => "DELETION_LOG",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for DeletionPolicy {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "DELETION_DEPRECATE",
            "DELETION_DELETE",
            "DELETION_LOG",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = DeletionPolicy;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "DELETION_DEPRECATE" => Ok(DeletionPolicy::DeletionDeprecate),
                    "DELETION_DELETE" => Ok(DeletionPolicy::DeletionDelete),
                    "DELETION_LOG" => Ok(DeletionPolicy::DeletionLog),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for ExecutorStatus {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ExecutorStatus", len)?;
        if true {
            struct_ser.serialize_field("executor_id", &self.executor_id)?;
        }
        if true {
            struct_ser.serialize_field("host", &self.host)?;
        }
        if true {
            struct_ser.serialize_field("grpc_port", &self.grpc_port)?;
        }
        if true {
            struct_ser.serialize_field("flight_port", &self.flight_port)?;
        }
        if true {
            struct_ser.serialize_field("slots", &self.slots)?;
        }
        if true {
            struct_ser.serialize_field("running_tasks", &self.running_tasks)?;
        }
        if true {
            struct_ser.serialize_field("draining", &self.draining)?;
        }
        if true {
            struct_ser.serialize_field("http_port", &self.http_port)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("memory_limit_bytes", ToString::to_string(&self.memory_limit_bytes).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("memory_reserved_bytes", ToString::to_string(&self.memory_reserved_bytes).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("resident_bytes", ToString::to_string(&self.resident_bytes).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ExecutorStatus {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "executor_id",
            "executorId",
            "host",
            "grpc_port",
            "grpcPort",
            "flight_port",
            "flightPort",
            "slots",
            "running_tasks",
            "runningTasks",
            "draining",
            "http_port",
            "httpPort",
            "memory_limit_bytes",
            "memoryLimitBytes",
            "memory_reserved_bytes",
            "memoryReservedBytes",
            "resident_bytes",
            "residentBytes",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            ExecutorId,
            Host,
            GrpcPort,
            FlightPort,
            Slots,
            RunningTasks,
            Draining,
            HttpPort,
            MemoryLimitBytes,
            MemoryReservedBytes,
            ResidentBytes,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "executorId" | "executor_id" => Ok(GeneratedField::ExecutorId),
                            "host" => Ok(GeneratedField::Host),
                            "grpcPort" | "grpc_port" => Ok(GeneratedField::GrpcPort),
                            "flightPort" | "flight_port" => Ok(GeneratedField::FlightPort),
                            "slots" => Ok(GeneratedField::Slots),
                            "runningTasks" | "running_tasks" => Ok(GeneratedField::RunningTasks),
                            "draining" => Ok(GeneratedField::Draining),
                            "httpPort" | "http_port" => Ok(GeneratedField::HttpPort),
                            "memoryLimitBytes" | "memory_limit_bytes" => Ok(GeneratedField::MemoryLimitBytes),
                            "memoryReservedBytes" | "memory_reserved_bytes" => Ok(GeneratedField::MemoryReservedBytes),
                            "residentBytes" | "resident_bytes" => Ok(GeneratedField::ResidentBytes),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ExecutorStatus;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ExecutorStatus")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ExecutorStatus, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut executor_id__ = None;
                let mut host__ = None;
                let mut grpc_port__ = None;
                let mut flight_port__ = None;
                let mut slots__ = None;
                let mut running_tasks__ = None;
                let mut draining__ = None;
                let mut http_port__ = None;
                let mut memory_limit_bytes__ = None;
                let mut memory_reserved_bytes__ = None;
                let mut resident_bytes__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::ExecutorId => {
                            if executor_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("executorId"));
                            }
                            executor_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Host => {
                            if host__.is_some() {
                                return Err(serde::de::Error::duplicate_field("host"));
                            }
                            host__ = Some(map_.next_value()?);
                        }
                        GeneratedField::GrpcPort => {
                            if grpc_port__.is_some() {
                                return Err(serde::de::Error::duplicate_field("grpcPort"));
                            }
                            grpc_port__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::FlightPort => {
                            if flight_port__.is_some() {
                                return Err(serde::de::Error::duplicate_field("flightPort"));
                            }
                            flight_port__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Slots => {
                            if slots__.is_some() {
                                return Err(serde::de::Error::duplicate_field("slots"));
                            }
                            slots__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::RunningTasks => {
                            if running_tasks__.is_some() {
                                return Err(serde::de::Error::duplicate_field("runningTasks"));
                            }
                            running_tasks__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Draining => {
                            if draining__.is_some() {
                                return Err(serde::de::Error::duplicate_field("draining"));
                            }
                            draining__ = Some(map_.next_value()?);
                        }
                        GeneratedField::HttpPort => {
                            if http_port__.is_some() {
                                return Err(serde::de::Error::duplicate_field("httpPort"));
                            }
                            http_port__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::MemoryLimitBytes => {
                            if memory_limit_bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("memoryLimitBytes"));
                            }
                            memory_limit_bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::MemoryReservedBytes => {
                            if memory_reserved_bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("memoryReservedBytes"));
                            }
                            memory_reserved_bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::ResidentBytes => {
                            if resident_bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("residentBytes"));
                            }
                            resident_bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(ExecutorStatus {
                    executor_id: executor_id__.unwrap_or_default(),
                    host: host__.unwrap_or_default(),
                    grpc_port: grpc_port__.unwrap_or_default(),
                    flight_port: flight_port__.unwrap_or_default(),
                    slots: slots__.unwrap_or_default(),
                    running_tasks: running_tasks__.unwrap_or_default(),
                    draining: draining__.unwrap_or_default(),
                    http_port: http_port__.unwrap_or_default(),
                    memory_limit_bytes: memory_limit_bytes__.unwrap_or_default(),
                    memory_reserved_bytes: memory_reserved_bytes__.unwrap_or_default(),
                    resident_bytes: resident_bytes__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ExecutorStatus", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetBookmarkRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetBookmarkRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("with_files", &self.with_files)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetBookmarkRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "with_files",
            "withFiles",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            WithFiles,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "withFiles" | "with_files" => Ok(GeneratedField::WithFiles),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetBookmarkRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetBookmarkRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetBookmarkRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut with_files__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::WithFiles => {
                            if with_files__.is_some() {
                                return Err(serde::de::Error::duplicate_field("withFiles"));
                            }
                            with_files__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetBookmarkRequest {
                    name: name__.unwrap_or_default(),
                    with_files: with_files__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetBookmarkRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetCrawlerRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetCrawlerRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetCrawlerRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetCrawlerRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetCrawlerRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetCrawlerRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetCrawlerRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetCrawlerRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetCrawlerResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetCrawlerResponse", len)?;
        if let Some(v) = self.crawler.as_ref() {
            struct_ser.serialize_field("crawler", v)?;
        }
        if true {
            struct_ser.serialize_field("runs", &self.runs)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetCrawlerResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "crawler",
            "runs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Crawler,
            Runs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "crawler" => Ok(GeneratedField::Crawler),
                            "runs" => Ok(GeneratedField::Runs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetCrawlerResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetCrawlerResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetCrawlerResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut crawler__ = None;
                let mut runs__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = map_.next_value()?;
                        }
                        GeneratedField::Runs => {
                            if runs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("runs"));
                            }
                            runs__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetCrawlerResponse {
                    crawler: crawler__,
                    runs: runs__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetCrawlerResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetDefinitionRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetDefinitionRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetDefinitionRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetDefinitionRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetDefinitionRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetDefinitionRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetDefinitionRequest {
                    name: name__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetDefinitionRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetJobRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetJobRequest", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetJobRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetJobRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetJobRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetJobRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetJobRequest {
                    job_id: job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetJobRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetTableRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetTableRequest", len)?;
        if true {
            struct_ser.serialize_field("database", &self.database)?;
        }
        if true {
            struct_ser.serialize_field("table", &self.table)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetTableRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "database",
            "table",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Database,
            Table,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "database" => Ok(GeneratedField::Database),
                            "table" => Ok(GeneratedField::Table),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetTableRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetTableRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetTableRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut database__ = None;
                let mut table__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Database => {
                            if database__.is_some() {
                                return Err(serde::de::Error::duplicate_field("database"));
                            }
                            database__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Table => {
                            if table__.is_some() {
                                return Err(serde::de::Error::duplicate_field("table"));
                            }
                            table__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetTableRequest {
                    database: database__.unwrap_or_default(),
                    table: table__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetTableRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetTasksRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetTasksRequest", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if let Some(v) = self.stage_id.as_ref() {
            struct_ser.serialize_field("stage_id", v)?;
        }
        if let Some(v) = self.partition.as_ref() {
            struct_ser.serialize_field("partition", v)?;
        }
        if true {
            struct_ser.serialize_field("with_logs", &self.with_logs)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetTasksRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
            "stage_id",
            "stageId",
            "partition",
            "with_logs",
            "withLogs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
            StageId,
            Partition,
            WithLogs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "stageId" | "stage_id" => Ok(GeneratedField::StageId),
                            "partition" => Ok(GeneratedField::Partition),
                            "withLogs" | "with_logs" => Ok(GeneratedField::WithLogs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetTasksRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetTasksRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetTasksRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                let mut stage_id__ = None;
                let mut partition__ = None;
                let mut with_logs__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::StageId => {
                            if stage_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("stageId"));
                            }
                            stage_id__ = 
                                map_.next_value::<::std::option::Option<::pbjson::private::NumberDeserialize<_>>>()?.map(|x| x.0)
                            ;
                        }
                        GeneratedField::Partition => {
                            if partition__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partition"));
                            }
                            partition__ = 
                                map_.next_value::<::std::option::Option<::pbjson::private::NumberDeserialize<_>>>()?.map(|x| x.0)
                            ;
                        }
                        GeneratedField::WithLogs => {
                            if with_logs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("withLogs"));
                            }
                            with_logs__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetTasksRequest {
                    job_id: job_id__.unwrap_or_default(),
                    stage_id: stage_id__,
                    partition: partition__,
                    with_logs: with_logs__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetTasksRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetTasksResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetTasksResponse", len)?;
        if true {
            struct_ser.serialize_field("attempts", &self.attempts)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetTasksResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "attempts",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Attempts,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "attempts" => Ok(GeneratedField::Attempts),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetTasksResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetTasksResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetTasksResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut attempts__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Attempts => {
                            if attempts__.is_some() {
                                return Err(serde::de::Error::duplicate_field("attempts"));
                            }
                            attempts__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetTasksResponse {
                    attempts: attempts__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetTasksResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetVersionRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.GetVersionRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetVersionRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetVersionRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetVersionRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetVersionRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(GetVersionRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetVersionRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for GetVersionResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.GetVersionResponse", len)?;
        if true {
            struct_ser.serialize_field("version", &self.version)?;
        }
        if true {
            struct_ser.serialize_field("protocol_version", &self.protocol_version)?;
        }
        if true {
            struct_ser.serialize_field("leader_url", &self.leader_url)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for GetVersionResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "version",
            "protocol_version",
            "protocolVersion",
            "leader_url",
            "leaderUrl",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Version,
            ProtocolVersion,
            LeaderUrl,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "version" => Ok(GeneratedField::Version),
                            "protocolVersion" | "protocol_version" => Ok(GeneratedField::ProtocolVersion),
                            "leaderUrl" | "leader_url" => Ok(GeneratedField::LeaderUrl),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = GetVersionResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.GetVersionResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<GetVersionResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut version__ = None;
                let mut protocol_version__ = None;
                let mut leader_url__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Version => {
                            if version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("version"));
                            }
                            version__ = Some(map_.next_value()?);
                        }
                        GeneratedField::ProtocolVersion => {
                            if protocol_version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("protocolVersion"));
                            }
                            protocol_version__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::LeaderUrl => {
                            if leader_url__.is_some() {
                                return Err(serde::de::Error::duplicate_field("leaderUrl"));
                            }
                            leader_url__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(GetVersionResponse {
                    version: version__.unwrap_or_default(),
                    protocol_version: protocol_version__.unwrap_or_default(),
                    leader_url: leader_url__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.GetVersionResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobDefinition {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobDefinition", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("toml", &self.toml)?;
        }
        if true {
            struct_ser.serialize_field("base_dir", &self.base_dir)?;
        }
        if true {
            struct_ser.serialize_field("version", &self.version)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("updated_at_ms", ToString::to_string(&self.updated_at_ms).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobDefinition {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "toml",
            "base_dir",
            "baseDir",
            "version",
            "created_at_ms",
            "createdAtMs",
            "updated_at_ms",
            "updatedAtMs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Toml,
            BaseDir,
            Version,
            CreatedAtMs,
            UpdatedAtMs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "toml" => Ok(GeneratedField::Toml),
                            "baseDir" | "base_dir" => Ok(GeneratedField::BaseDir),
                            "version" => Ok(GeneratedField::Version),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            "updatedAtMs" | "updated_at_ms" => Ok(GeneratedField::UpdatedAtMs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobDefinition;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobDefinition")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobDefinition, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut toml__ = None;
                let mut base_dir__ = None;
                let mut version__ = None;
                let mut created_at_ms__ = None;
                let mut updated_at_ms__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Toml => {
                            if toml__.is_some() {
                                return Err(serde::de::Error::duplicate_field("toml"));
                            }
                            toml__ = Some(map_.next_value()?);
                        }
                        GeneratedField::BaseDir => {
                            if base_dir__.is_some() {
                                return Err(serde::de::Error::duplicate_field("baseDir"));
                            }
                            base_dir__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Version => {
                            if version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("version"));
                            }
                            version__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::UpdatedAtMs => {
                            if updated_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("updatedAtMs"));
                            }
                            updated_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(JobDefinition {
                    name: name__.unwrap_or_default(),
                    toml: toml__.unwrap_or_default(),
                    base_dir: base_dir__.unwrap_or_default(),
                    version: version__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                    updated_at_ms: updated_at_ms__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobDefinition", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobFile {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobFile", len)?;
        if true {
            struct_ser.serialize_field("toml", &self.toml)?;
        }
        if true {
            struct_ser.serialize_field("origin", &self.origin)?;
        }
        if true {
            struct_ser.serialize_field("base_dir", &self.base_dir)?;
        }
        if true {
            struct_ser.serialize_field("params", &self.params)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobFile {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "toml",
            "origin",
            "base_dir",
            "baseDir",
            "params",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Toml,
            Origin,
            BaseDir,
            Params,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "toml" => Ok(GeneratedField::Toml),
                            "origin" => Ok(GeneratedField::Origin),
                            "baseDir" | "base_dir" => Ok(GeneratedField::BaseDir),
                            "params" => Ok(GeneratedField::Params),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobFile;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobFile")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobFile, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut toml__ = None;
                let mut origin__ = None;
                let mut base_dir__ = None;
                let mut params__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Toml => {
                            if toml__.is_some() {
                                return Err(serde::de::Error::duplicate_field("toml"));
                            }
                            toml__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Origin => {
                            if origin__.is_some() {
                                return Err(serde::de::Error::duplicate_field("origin"));
                            }
                            origin__ = Some(map_.next_value()?);
                        }
                        GeneratedField::BaseDir => {
                            if base_dir__.is_some() {
                                return Err(serde::de::Error::duplicate_field("baseDir"));
                            }
                            base_dir__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Params => {
                            if params__.is_some() {
                                return Err(serde::de::Error::duplicate_field("params"));
                            }
                            params__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                    }
                }
                Ok(JobFile {
                    toml: toml__.unwrap_or_default(),
                    origin: origin__.unwrap_or_default(),
                    base_dir: base_dir__.unwrap_or_default(),
                    params: params__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobFile", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobOptions {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobOptions", len)?;
        if true {
            struct_ser.serialize_field("parallelism", &self.parallelism)?;
        }
        if true {
            struct_ser.serialize_field("max_task_attempts", &self.max_task_attempts)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("timeout_ms", ToString::to_string(&self.timeout_ms).as_str())?;
        }
        if let Some(v) = self.max_bad_records.as_ref() {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("max_bad_records", ToString::to_string(&v).as_str())?;
        }
        if let Some(v) = self.max_bad_fraction.as_ref() {
            struct_ser.serialize_field("max_bad_fraction", v)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("memory_per_task_bytes", ToString::to_string(&self.memory_per_task_bytes).as_str())?;
        }
        if true {
            struct_ser.serialize_field("incremental", &self.incremental)?;
        }
        if true {
            struct_ser.serialize_field("max_files_per_run", &self.max_files_per_run)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobOptions {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "parallelism",
            "max_task_attempts",
            "maxTaskAttempts",
            "timeout_ms",
            "timeoutMs",
            "max_bad_records",
            "maxBadRecords",
            "max_bad_fraction",
            "maxBadFraction",
            "memory_per_task_bytes",
            "memoryPerTaskBytes",
            "incremental",
            "max_files_per_run",
            "maxFilesPerRun",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Parallelism,
            MaxTaskAttempts,
            TimeoutMs,
            MaxBadRecords,
            MaxBadFraction,
            MemoryPerTaskBytes,
            Incremental,
            MaxFilesPerRun,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "parallelism" => Ok(GeneratedField::Parallelism),
                            "maxTaskAttempts" | "max_task_attempts" => Ok(GeneratedField::MaxTaskAttempts),
                            "timeoutMs" | "timeout_ms" => Ok(GeneratedField::TimeoutMs),
                            "maxBadRecords" | "max_bad_records" => Ok(GeneratedField::MaxBadRecords),
                            "maxBadFraction" | "max_bad_fraction" => Ok(GeneratedField::MaxBadFraction),
                            "memoryPerTaskBytes" | "memory_per_task_bytes" => Ok(GeneratedField::MemoryPerTaskBytes),
                            "incremental" => Ok(GeneratedField::Incremental),
                            "maxFilesPerRun" | "max_files_per_run" => Ok(GeneratedField::MaxFilesPerRun),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobOptions;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobOptions")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobOptions, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut parallelism__ = None;
                let mut max_task_attempts__ = None;
                let mut timeout_ms__ = None;
                let mut max_bad_records__ = None;
                let mut max_bad_fraction__ = None;
                let mut memory_per_task_bytes__ = None;
                let mut incremental__ = None;
                let mut max_files_per_run__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Parallelism => {
                            if parallelism__.is_some() {
                                return Err(serde::de::Error::duplicate_field("parallelism"));
                            }
                            parallelism__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::MaxTaskAttempts => {
                            if max_task_attempts__.is_some() {
                                return Err(serde::de::Error::duplicate_field("maxTaskAttempts"));
                            }
                            max_task_attempts__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::TimeoutMs => {
                            if timeout_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("timeoutMs"));
                            }
                            timeout_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::MaxBadRecords => {
                            if max_bad_records__.is_some() {
                                return Err(serde::de::Error::duplicate_field("maxBadRecords"));
                            }
                            max_bad_records__ = 
                                map_.next_value::<::std::option::Option<::pbjson::private::NumberDeserialize<_>>>()?.map(|x| x.0)
                            ;
                        }
                        GeneratedField::MaxBadFraction => {
                            if max_bad_fraction__.is_some() {
                                return Err(serde::de::Error::duplicate_field("maxBadFraction"));
                            }
                            max_bad_fraction__ = 
                                map_.next_value::<::std::option::Option<::pbjson::private::NumberDeserialize<_>>>()?.map(|x| x.0)
                            ;
                        }
                        GeneratedField::MemoryPerTaskBytes => {
                            if memory_per_task_bytes__.is_some() {
                                return Err(serde::de::Error::duplicate_field("memoryPerTaskBytes"));
                            }
                            memory_per_task_bytes__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Incremental => {
                            if incremental__.is_some() {
                                return Err(serde::de::Error::duplicate_field("incremental"));
                            }
                            incremental__ = Some(map_.next_value()?);
                        }
                        GeneratedField::MaxFilesPerRun => {
                            if max_files_per_run__.is_some() {
                                return Err(serde::de::Error::duplicate_field("maxFilesPerRun"));
                            }
                            max_files_per_run__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(JobOptions {
                    parallelism: parallelism__.unwrap_or_default(),
                    max_task_attempts: max_task_attempts__.unwrap_or_default(),
                    timeout_ms: timeout_ms__.unwrap_or_default(),
                    max_bad_records: max_bad_records__,
                    max_bad_fraction: max_bad_fraction__,
                    memory_per_task_bytes: memory_per_task_bytes__.unwrap_or_default(),
                    incremental: incremental__.unwrap_or_default(),
                    max_files_per_run: max_files_per_run__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobOptions", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobResult {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobResult", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("schema", pbjson::private::base64::encode(&self.schema).as_str())?;
        }
        if true {
            struct_ser.serialize_field("partitions", &self.partitions)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("rows", ToString::to_string(&self.rows).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobResult {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "schema",
            "partitions",
            "rows",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Schema,
            Partitions,
            Rows,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "schema" => Ok(GeneratedField::Schema),
                            "partitions" => Ok(GeneratedField::Partitions),
                            "rows" => Ok(GeneratedField::Rows),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobResult;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobResult")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobResult, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut schema__ = None;
                let mut partitions__ = None;
                let mut rows__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Schema => {
                            if schema__.is_some() {
                                return Err(serde::de::Error::duplicate_field("schema"));
                            }
                            schema__ = 
                                Some(map_.next_value::<::pbjson::private::BytesDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Partitions => {
                            if partitions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitions"));
                            }
                            partitions__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Rows => {
                            if rows__.is_some() {
                                return Err(serde::de::Error::duplicate_field("rows"));
                            }
                            rows__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(JobResult {
                    schema: schema__.unwrap_or_default(),
                    partitions: partitions__.unwrap_or_default(),
                    rows: rows__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobResult", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobSpec {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobSpec", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("description", &self.description)?;
        }
        if true {
            struct_ser.serialize_field("labels", &self.labels)?;
        }
        if true {
            struct_ser.serialize_field("sources", &self.sources)?;
        }
        if true {
            struct_ser.serialize_field("setup_sql", &self.setup_sql)?;
        }
        if true {
            struct_ser.serialize_field("steps", &self.steps)?;
        }
        if let Some(v) = self.options.as_ref() {
            struct_ser.serialize_field("options", v)?;
        }
        if let Some(v) = self.sink.as_ref() {
            struct_ser.serialize_field("sink", v)?;
        }
        if true {
            struct_ser.serialize_field("notify", &self.notify)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobSpec {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "description",
            "labels",
            "sources",
            "setup_sql",
            "setupSql",
            "steps",
            "options",
            "sink",
            "notify",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Description,
            Labels,
            Sources,
            SetupSql,
            Steps,
            Options,
            Sink,
            Notify,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "description" => Ok(GeneratedField::Description),
                            "labels" => Ok(GeneratedField::Labels),
                            "sources" => Ok(GeneratedField::Sources),
                            "setupSql" | "setup_sql" => Ok(GeneratedField::SetupSql),
                            "steps" => Ok(GeneratedField::Steps),
                            "options" => Ok(GeneratedField::Options),
                            "sink" => Ok(GeneratedField::Sink),
                            "notify" => Ok(GeneratedField::Notify),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobSpec;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobSpec")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobSpec, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut description__ = None;
                let mut labels__ = None;
                let mut sources__ = None;
                let mut setup_sql__ = None;
                let mut steps__ = None;
                let mut options__ = None;
                let mut sink__ = None;
                let mut notify__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Description => {
                            if description__.is_some() {
                                return Err(serde::de::Error::duplicate_field("description"));
                            }
                            description__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Labels => {
                            if labels__.is_some() {
                                return Err(serde::de::Error::duplicate_field("labels"));
                            }
                            labels__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::Sources => {
                            if sources__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sources"));
                            }
                            sources__ = Some(map_.next_value()?);
                        }
                        GeneratedField::SetupSql => {
                            if setup_sql__.is_some() {
                                return Err(serde::de::Error::duplicate_field("setupSql"));
                            }
                            setup_sql__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Steps => {
                            if steps__.is_some() {
                                return Err(serde::de::Error::duplicate_field("steps"));
                            }
                            steps__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Options => {
                            if options__.is_some() {
                                return Err(serde::de::Error::duplicate_field("options"));
                            }
                            options__ = map_.next_value()?;
                        }
                        GeneratedField::Sink => {
                            if sink__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sink"));
                            }
                            sink__ = map_.next_value()?;
                        }
                        GeneratedField::Notify => {
                            if notify__.is_some() {
                                return Err(serde::de::Error::duplicate_field("notify"));
                            }
                            notify__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(JobSpec {
                    name: name__.unwrap_or_default(),
                    description: description__.unwrap_or_default(),
                    labels: labels__.unwrap_or_default(),
                    sources: sources__.unwrap_or_default(),
                    setup_sql: setup_sql__.unwrap_or_default(),
                    steps: steps__.unwrap_or_default(),
                    options: options__,
                    sink: sink__,
                    notify: notify__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobSpec", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for JobState {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Unspecified => "JOB_STATE_UNSPECIFIED",
            Self::Queued => "JOB_STATE_QUEUED",
            Self::Running => "JOB_STATE_RUNNING",
            Self::Succeeded => "JOB_STATE_SUCCEEDED",
            Self::Failed => "JOB_STATE_FAILED",
            Self::Cancelled => "JOB_STATE_CANCELLED",
            Self::TimedOut => "JOB_STATE_TIMED_OUT",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for JobState {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "JOB_STATE_UNSPECIFIED",
            "JOB_STATE_QUEUED",
            "JOB_STATE_RUNNING",
            "JOB_STATE_SUCCEEDED",
            "JOB_STATE_FAILED",
            "JOB_STATE_CANCELLED",
            "JOB_STATE_TIMED_OUT",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = JobState;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "JOB_STATE_UNSPECIFIED" => Ok(JobState::Unspecified),
                    "JOB_STATE_QUEUED" => Ok(JobState::Queued),
                    "JOB_STATE_RUNNING" => Ok(JobState::Running),
                    "JOB_STATE_SUCCEEDED" => Ok(JobState::Succeeded),
                    "JOB_STATE_FAILED" => Ok(JobState::Failed),
                    "JOB_STATE_CANCELLED" => Ok(JobState::Cancelled),
                    "JOB_STATE_TIMED_OUT" => Ok(JobState::TimedOut),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for JobStatus {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.JobStatus", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            let v = JobState::try_from(self.state)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.state)))?;
            struct_ser.serialize_field("state", &v)?;
        }
        if true {
            struct_ser.serialize_field("error", &self.error)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("submitted_at_ms", ToString::to_string(&self.submitted_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("started_at_ms", ToString::to_string(&self.started_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ended_at_ms", ToString::to_string(&self.ended_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("stages", &self.stages)?;
        }
        if let Some(v) = self.result.as_ref() {
            struct_ser.serialize_field("result", v)?;
        }
        if true {
            struct_ser.serialize_field("labels", &self.labels)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("records_read", ToString::to_string(&self.records_read).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bad_records", ToString::to_string(&self.bad_records).as_str())?;
        }
        if true {
            struct_ser.serialize_field("request_id", &self.request_id)?;
        }
        if let Some(v) = self.catalog_scan.as_ref() {
            struct_ser.serialize_field("catalog_scan", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for JobStatus {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
            "name",
            "state",
            "error",
            "submitted_at_ms",
            "submittedAtMs",
            "started_at_ms",
            "startedAtMs",
            "ended_at_ms",
            "endedAtMs",
            "stages",
            "result",
            "labels",
            "records_read",
            "recordsRead",
            "bad_records",
            "badRecords",
            "request_id",
            "requestId",
            "catalog_scan",
            "catalogScan",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
            Name,
            State,
            Error,
            SubmittedAtMs,
            StartedAtMs,
            EndedAtMs,
            Stages,
            Result,
            Labels,
            RecordsRead,
            BadRecords,
            RequestId,
            CatalogScan,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "name" => Ok(GeneratedField::Name),
                            "state" => Ok(GeneratedField::State),
                            "error" => Ok(GeneratedField::Error),
                            "submittedAtMs" | "submitted_at_ms" => Ok(GeneratedField::SubmittedAtMs),
                            "startedAtMs" | "started_at_ms" => Ok(GeneratedField::StartedAtMs),
                            "endedAtMs" | "ended_at_ms" => Ok(GeneratedField::EndedAtMs),
                            "stages" => Ok(GeneratedField::Stages),
                            "result" => Ok(GeneratedField::Result),
                            "labels" => Ok(GeneratedField::Labels),
                            "recordsRead" | "records_read" => Ok(GeneratedField::RecordsRead),
                            "badRecords" | "bad_records" => Ok(GeneratedField::BadRecords),
                            "requestId" | "request_id" => Ok(GeneratedField::RequestId),
                            "catalogScan" | "catalog_scan" => Ok(GeneratedField::CatalogScan),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = JobStatus;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.JobStatus")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<JobStatus, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                let mut name__ = None;
                let mut state__ = None;
                let mut error__ = None;
                let mut submitted_at_ms__ = None;
                let mut started_at_ms__ = None;
                let mut ended_at_ms__ = None;
                let mut stages__ = None;
                let mut result__ = None;
                let mut labels__ = None;
                let mut records_read__ = None;
                let mut bad_records__ = None;
                let mut request_id__ = None;
                let mut catalog_scan__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::State => {
                            if state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("state"));
                            }
                            state__ = Some(map_.next_value::<JobState>()? as i32);
                        }
                        GeneratedField::Error => {
                            if error__.is_some() {
                                return Err(serde::de::Error::duplicate_field("error"));
                            }
                            error__ = Some(map_.next_value()?);
                        }
                        GeneratedField::SubmittedAtMs => {
                            if submitted_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("submittedAtMs"));
                            }
                            submitted_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::StartedAtMs => {
                            if started_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("startedAtMs"));
                            }
                            started_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::EndedAtMs => {
                            if ended_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("endedAtMs"));
                            }
                            ended_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Stages => {
                            if stages__.is_some() {
                                return Err(serde::de::Error::duplicate_field("stages"));
                            }
                            stages__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Result => {
                            if result__.is_some() {
                                return Err(serde::de::Error::duplicate_field("result"));
                            }
                            result__ = map_.next_value()?;
                        }
                        GeneratedField::Labels => {
                            if labels__.is_some() {
                                return Err(serde::de::Error::duplicate_field("labels"));
                            }
                            labels__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::RecordsRead => {
                            if records_read__.is_some() {
                                return Err(serde::de::Error::duplicate_field("recordsRead"));
                            }
                            records_read__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::BadRecords => {
                            if bad_records__.is_some() {
                                return Err(serde::de::Error::duplicate_field("badRecords"));
                            }
                            bad_records__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::RequestId => {
                            if request_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("requestId"));
                            }
                            request_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::CatalogScan => {
                            if catalog_scan__.is_some() {
                                return Err(serde::de::Error::duplicate_field("catalogScan"));
                            }
                            catalog_scan__ = map_.next_value()?;
                        }
                    }
                }
                Ok(JobStatus {
                    job_id: job_id__.unwrap_or_default(),
                    name: name__.unwrap_or_default(),
                    state: state__.unwrap_or_default(),
                    error: error__.unwrap_or_default(),
                    submitted_at_ms: submitted_at_ms__.unwrap_or_default(),
                    started_at_ms: started_at_ms__.unwrap_or_default(),
                    ended_at_ms: ended_at_ms__.unwrap_or_default(),
                    stages: stages__.unwrap_or_default(),
                    result: result__,
                    labels: labels__.unwrap_or_default(),
                    records_read: records_read__.unwrap_or_default(),
                    bad_records: bad_records__.unwrap_or_default(),
                    request_id: request_id__.unwrap_or_default(),
                    catalog_scan: catalog_scan__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.JobStatus", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListCrawlersRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListCrawlersRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListCrawlersRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListCrawlersRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListCrawlersRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListCrawlersRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListCrawlersRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListCrawlersRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListCrawlersResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListCrawlersResponse", len)?;
        if true {
            struct_ser.serialize_field("crawlers", &self.crawlers)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListCrawlersResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "crawlers",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Crawlers,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "crawlers" => Ok(GeneratedField::Crawlers),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListCrawlersResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListCrawlersResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListCrawlersResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut crawlers__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Crawlers => {
                            if crawlers__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawlers"));
                            }
                            crawlers__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListCrawlersResponse {
                    crawlers: crawlers__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListCrawlersResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListDatabasesRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListDatabasesRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListDatabasesRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListDatabasesRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListDatabasesRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListDatabasesRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListDatabasesRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListDatabasesRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListDatabasesResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListDatabasesResponse", len)?;
        if true {
            struct_ser.serialize_field("databases", &self.databases)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListDatabasesResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "databases",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Databases,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "databases" => Ok(GeneratedField::Databases),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListDatabasesResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListDatabasesResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListDatabasesResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut databases__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Databases => {
                            if databases__.is_some() {
                                return Err(serde::de::Error::duplicate_field("databases"));
                            }
                            databases__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListDatabasesResponse {
                    databases: databases__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListDatabasesResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListDefinitionsRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListDefinitionsRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListDefinitionsRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListDefinitionsRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListDefinitionsRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListDefinitionsRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListDefinitionsRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListDefinitionsRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListDefinitionsResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListDefinitionsResponse", len)?;
        if true {
            struct_ser.serialize_field("definitions", &self.definitions)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListDefinitionsResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "definitions",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Definitions,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "definitions" => Ok(GeneratedField::Definitions),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListDefinitionsResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListDefinitionsResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListDefinitionsResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut definitions__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Definitions => {
                            if definitions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("definitions"));
                            }
                            definitions__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListDefinitionsResponse {
                    definitions: definitions__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListDefinitionsResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListExecutorsRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListExecutorsRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListExecutorsRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListExecutorsRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListExecutorsRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListExecutorsRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListExecutorsRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListExecutorsRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListExecutorsResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListExecutorsResponse", len)?;
        if true {
            struct_ser.serialize_field("executors", &self.executors)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListExecutorsResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "executors",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Executors,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "executors" => Ok(GeneratedField::Executors),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListExecutorsResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListExecutorsResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListExecutorsResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut executors__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Executors => {
                            if executors__.is_some() {
                                return Err(serde::de::Error::duplicate_field("executors"));
                            }
                            executors__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListExecutorsResponse {
                    executors: executors__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListExecutorsResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListJobsRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListJobsRequest", len)?;
        if let Some(v) = self.state.as_ref() {
            let v = JobState::try_from(*v)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", *v)))?;
            struct_ser.serialize_field("state", &v)?;
        }
        if true {
            struct_ser.serialize_field("limit", &self.limit)?;
        }
        if true {
            struct_ser.serialize_field("labels", &self.labels)?;
        }
        if true {
            struct_ser.serialize_field("page_token", &self.page_token)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListJobsRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "state",
            "limit",
            "labels",
            "page_token",
            "pageToken",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            State,
            Limit,
            Labels,
            PageToken,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "state" => Ok(GeneratedField::State),
                            "limit" => Ok(GeneratedField::Limit),
                            "labels" => Ok(GeneratedField::Labels),
                            "pageToken" | "page_token" => Ok(GeneratedField::PageToken),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListJobsRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListJobsRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListJobsRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut state__ = None;
                let mut limit__ = None;
                let mut labels__ = None;
                let mut page_token__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::State => {
                            if state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("state"));
                            }
                            state__ = map_.next_value::<::std::option::Option<JobState>>()?.map(|x| x as i32);
                        }
                        GeneratedField::Limit => {
                            if limit__.is_some() {
                                return Err(serde::de::Error::duplicate_field("limit"));
                            }
                            limit__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Labels => {
                            if labels__.is_some() {
                                return Err(serde::de::Error::duplicate_field("labels"));
                            }
                            labels__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::PageToken => {
                            if page_token__.is_some() {
                                return Err(serde::de::Error::duplicate_field("pageToken"));
                            }
                            page_token__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListJobsRequest {
                    state: state__,
                    limit: limit__.unwrap_or_default(),
                    labels: labels__.unwrap_or_default(),
                    page_token: page_token__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListJobsRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListJobsResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListJobsResponse", len)?;
        if true {
            struct_ser.serialize_field("jobs", &self.jobs)?;
        }
        if true {
            struct_ser.serialize_field("next_page_token", &self.next_page_token)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListJobsResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "jobs",
            "next_page_token",
            "nextPageToken",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Jobs,
            NextPageToken,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobs" => Ok(GeneratedField::Jobs),
                            "nextPageToken" | "next_page_token" => Ok(GeneratedField::NextPageToken),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListJobsResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListJobsResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListJobsResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut jobs__ = None;
                let mut next_page_token__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Jobs => {
                            if jobs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobs"));
                            }
                            jobs__ = Some(map_.next_value()?);
                        }
                        GeneratedField::NextPageToken => {
                            if next_page_token__.is_some() {
                                return Err(serde::de::Error::duplicate_field("nextPageToken"));
                            }
                            next_page_token__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListJobsResponse {
                    jobs: jobs__.unwrap_or_default(),
                    next_page_token: next_page_token__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListJobsResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListPartitionsRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListPartitionsRequest", len)?;
        if true {
            struct_ser.serialize_field("database", &self.database)?;
        }
        if true {
            struct_ser.serialize_field("table", &self.table)?;
        }
        if true {
            struct_ser.serialize_field("leading_values", &self.leading_values)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListPartitionsRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "database",
            "table",
            "leading_values",
            "leadingValues",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Database,
            Table,
            LeadingValues,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "database" => Ok(GeneratedField::Database),
                            "table" => Ok(GeneratedField::Table),
                            "leadingValues" | "leading_values" => Ok(GeneratedField::LeadingValues),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListPartitionsRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListPartitionsRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListPartitionsRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut database__ = None;
                let mut table__ = None;
                let mut leading_values__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Database => {
                            if database__.is_some() {
                                return Err(serde::de::Error::duplicate_field("database"));
                            }
                            database__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Table => {
                            if table__.is_some() {
                                return Err(serde::de::Error::duplicate_field("table"));
                            }
                            table__ = Some(map_.next_value()?);
                        }
                        GeneratedField::LeadingValues => {
                            if leading_values__.is_some() {
                                return Err(serde::de::Error::duplicate_field("leadingValues"));
                            }
                            leading_values__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListPartitionsRequest {
                    database: database__.unwrap_or_default(),
                    table: table__.unwrap_or_default(),
                    leading_values: leading_values__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListPartitionsRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListPartitionsResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListPartitionsResponse", len)?;
        if true {
            struct_ser.serialize_field("partitions", &self.partitions)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListPartitionsResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "partitions",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Partitions,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "partitions" => Ok(GeneratedField::Partitions),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListPartitionsResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListPartitionsResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListPartitionsResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut partitions__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Partitions => {
                            if partitions__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitions"));
                            }
                            partitions__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListPartitionsResponse {
                    partitions: partitions__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListPartitionsResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListSchedulesRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListSchedulesRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListSchedulesRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListSchedulesRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListSchedulesRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListSchedulesRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListSchedulesRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListSchedulesRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListSchedulesResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListSchedulesResponse", len)?;
        if true {
            struct_ser.serialize_field("schedules", &self.schedules)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListSchedulesResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "schedules",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Schedules,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "schedules" => Ok(GeneratedField::Schedules),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListSchedulesResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListSchedulesResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListSchedulesResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut schedules__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Schedules => {
                            if schedules__.is_some() {
                                return Err(serde::de::Error::duplicate_field("schedules"));
                            }
                            schedules__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListSchedulesResponse {
                    schedules: schedules__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListSchedulesResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListTablesRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListTablesRequest", len)?;
        if true {
            struct_ser.serialize_field("database", &self.database)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListTablesRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "database",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Database,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "database" => Ok(GeneratedField::Database),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListTablesRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListTablesRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListTablesRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut database__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Database => {
                            if database__.is_some() {
                                return Err(serde::de::Error::duplicate_field("database"));
                            }
                            database__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListTablesRequest {
                    database: database__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListTablesRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListTablesResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListTablesResponse", len)?;
        if true {
            struct_ser.serialize_field("tables", &self.tables)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListTablesResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "tables",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Tables,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "tables" => Ok(GeneratedField::Tables),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListTablesResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListTablesResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListTablesResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut tables__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Tables => {
                            if tables__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tables"));
                            }
                            tables__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListTablesResponse {
                    tables: tables__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListTablesResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListTriggersRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let len = 0;
        let struct_ser = serializer.serialize_struct("kiln.v1.ListTriggersRequest", len)?;
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListTriggersRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                            Err(serde::de::Error::unknown_field(value, FIELDS))
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListTriggersRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListTriggersRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListTriggersRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                while map_.next_key::<GeneratedField>()?.is_some() {
                    let _ = map_.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(ListTriggersRequest {
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListTriggersRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ListTriggersResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ListTriggersResponse", len)?;
        if true {
            struct_ser.serialize_field("triggers", &self.triggers)?;
        }
        if true {
            struct_ser.serialize_field("rejected", &self.rejected)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ListTriggersResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "triggers",
            "rejected",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Triggers,
            Rejected,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "triggers" => Ok(GeneratedField::Triggers),
                            "rejected" => Ok(GeneratedField::Rejected),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ListTriggersResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ListTriggersResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ListTriggersResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut triggers__ = None;
                let mut rejected__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Triggers => {
                            if triggers__.is_some() {
                                return Err(serde::de::Error::duplicate_field("triggers"));
                            }
                            triggers__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Rejected => {
                            if rejected__.is_some() {
                                return Err(serde::de::Error::duplicate_field("rejected"));
                            }
                            rejected__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ListTriggersResponse {
                    triggers: triggers__.unwrap_or_default(),
                    rejected: rejected__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ListTriggersResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for MissedTicks {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Skip => "MISSED_TICKS_SKIP",
            Self::RunOnce => "MISSED_TICKS_RUN_ONCE",
            Self::RunAll => "MISSED_TICKS_RUN_ALL",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for MissedTicks {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "MISSED_TICKS_SKIP",
            "MISSED_TICKS_RUN_ONCE",
            "MISSED_TICKS_RUN_ALL",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = MissedTicks;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "MISSED_TICKS_SKIP" => Ok(MissedTicks::Skip),
                    "MISSED_TICKS_RUN_ONCE" => Ok(MissedTicks::RunOnce),
                    "MISSED_TICKS_RUN_ALL" => Ok(MissedTicks::RunAll),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for Notification {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Notification", len)?;
        if true {
            struct_ser.serialize_field("url", &self.url)?;
        }
        if true {
            struct_ser.serialize_field("url_secret", &self.url_secret)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Notification {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "url",
            "url_secret",
            "urlSecret",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Url,
            UrlSecret,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "url" => Ok(GeneratedField::Url),
                            "urlSecret" | "url_secret" => Ok(GeneratedField::UrlSecret),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Notification;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Notification")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Notification, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut url__ = None;
                let mut url_secret__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Url => {
                            if url__.is_some() {
                                return Err(serde::de::Error::duplicate_field("url"));
                            }
                            url__ = Some(map_.next_value()?);
                        }
                        GeneratedField::UrlSecret => {
                            if url_secret__.is_some() {
                                return Err(serde::de::Error::duplicate_field("urlSecret"));
                            }
                            url_secret__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(Notification {
                    url: url__.unwrap_or_default(),
                    url_secret: url_secret__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Notification", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ObjectEvent {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ObjectEvent", len)?;
        if true {
            struct_ser.serialize_field("bucket", &self.bucket)?;
        }
        if true {
            struct_ser.serialize_field("key", &self.key)?;
        }
        if true {
            struct_ser.serialize_field("etag", &self.etag)?;
        }
        if true {
            struct_ser.serialize_field("sequencer", &self.sequencer)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("received_at_ms", ToString::to_string(&self.received_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ObjectEvent {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "bucket",
            "key",
            "etag",
            "sequencer",
            "received_at_ms",
            "receivedAtMs",
            "job_id",
            "jobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Bucket,
            Key,
            Etag,
            Sequencer,
            ReceivedAtMs,
            JobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "bucket" => Ok(GeneratedField::Bucket),
                            "key" => Ok(GeneratedField::Key),
                            "etag" => Ok(GeneratedField::Etag),
                            "sequencer" => Ok(GeneratedField::Sequencer),
                            "receivedAtMs" | "received_at_ms" => Ok(GeneratedField::ReceivedAtMs),
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ObjectEvent;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ObjectEvent")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ObjectEvent, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut bucket__ = None;
                let mut key__ = None;
                let mut etag__ = None;
                let mut sequencer__ = None;
                let mut received_at_ms__ = None;
                let mut job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Bucket => {
                            if bucket__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bucket"));
                            }
                            bucket__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Key => {
                            if key__.is_some() {
                                return Err(serde::de::Error::duplicate_field("key"));
                            }
                            key__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Etag => {
                            if etag__.is_some() {
                                return Err(serde::de::Error::duplicate_field("etag"));
                            }
                            etag__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Sequencer => {
                            if sequencer__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sequencer"));
                            }
                            sequencer__ = Some(map_.next_value()?);
                        }
                        GeneratedField::ReceivedAtMs => {
                            if received_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("receivedAtMs"));
                            }
                            received_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ObjectEvent {
                    bucket: bucket__.unwrap_or_default(),
                    key: key__.unwrap_or_default(),
                    etag: etag__.unwrap_or_default(),
                    sequencer: sequencer__.unwrap_or_default(),
                    received_at_ms: received_at_ms__.unwrap_or_default(),
                    job_id: job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ObjectEvent", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for PreparedStatement {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.PreparedStatement", len)?;
        if true {
            struct_ser.serialize_field("id", &self.id)?;
        }
        if true {
            struct_ser.serialize_field("sql", &self.sql)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("parameters", pbjson::private::base64::encode(&self.parameters).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for PreparedStatement {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "id",
            "sql",
            "parameters",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Id,
            Sql,
            Parameters,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "id" => Ok(GeneratedField::Id),
                            "sql" => Ok(GeneratedField::Sql),
                            "parameters" => Ok(GeneratedField::Parameters),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = PreparedStatement;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.PreparedStatement")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<PreparedStatement, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut id__ = None;
                let mut sql__ = None;
                let mut parameters__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Id => {
                            if id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("id"));
                            }
                            id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Sql => {
                            if sql__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sql"));
                            }
                            sql__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Parameters => {
                            if parameters__.is_some() {
                                return Err(serde::de::Error::duplicate_field("parameters"));
                            }
                            parameters__ = 
                                Some(map_.next_value::<::pbjson::private::BytesDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(PreparedStatement {
                    id: id__.unwrap_or_default(),
                    sql: sql__.unwrap_or_default(),
                    parameters: parameters__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.PreparedStatement", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for PutDefinitionRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.PutDefinitionRequest", len)?;
        if let Some(v) = self.definition.as_ref() {
            struct_ser.serialize_field("definition", v)?;
        }
        if true {
            struct_ser.serialize_field("create_only", &self.create_only)?;
        }
        if true {
            struct_ser.serialize_field("update_only", &self.update_only)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for PutDefinitionRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "definition",
            "create_only",
            "createOnly",
            "update_only",
            "updateOnly",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Definition,
            CreateOnly,
            UpdateOnly,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "definition" => Ok(GeneratedField::Definition),
                            "createOnly" | "create_only" => Ok(GeneratedField::CreateOnly),
                            "updateOnly" | "update_only" => Ok(GeneratedField::UpdateOnly),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = PutDefinitionRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.PutDefinitionRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<PutDefinitionRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut definition__ = None;
                let mut create_only__ = None;
                let mut update_only__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Definition => {
                            if definition__.is_some() {
                                return Err(serde::de::Error::duplicate_field("definition"));
                            }
                            definition__ = map_.next_value()?;
                        }
                        GeneratedField::CreateOnly => {
                            if create_only__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createOnly"));
                            }
                            create_only__ = Some(map_.next_value()?);
                        }
                        GeneratedField::UpdateOnly => {
                            if update_only__.is_some() {
                                return Err(serde::de::Error::duplicate_field("updateOnly"));
                            }
                            update_only__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(PutDefinitionRequest {
                    definition: definition__,
                    create_only: create_only__.unwrap_or_default(),
                    update_only: update_only__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.PutDefinitionRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for PutScheduleRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.PutScheduleRequest", len)?;
        if let Some(v) = self.schedule.as_ref() {
            struct_ser.serialize_field("schedule", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for PutScheduleRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "schedule",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Schedule,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "schedule" => Ok(GeneratedField::Schedule),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = PutScheduleRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.PutScheduleRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<PutScheduleRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut schedule__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Schedule => {
                            if schedule__.is_some() {
                                return Err(serde::de::Error::duplicate_field("schedule"));
                            }
                            schedule__ = map_.next_value()?;
                        }
                    }
                }
                Ok(PutScheduleRequest {
                    schedule: schedule__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.PutScheduleRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for PutTriggerRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.PutTriggerRequest", len)?;
        if let Some(v) = self.trigger.as_ref() {
            struct_ser.serialize_field("trigger", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for PutTriggerRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "trigger",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Trigger,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "trigger" => Ok(GeneratedField::Trigger),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = PutTriggerRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.PutTriggerRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<PutTriggerRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut trigger__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Trigger => {
                            if trigger__.is_some() {
                                return Err(serde::de::Error::duplicate_field("trigger"));
                            }
                            trigger__ = map_.next_value()?;
                        }
                    }
                }
                Ok(PutTriggerRequest {
                    trigger: trigger__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.PutTriggerRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ReceiveEventsRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ReceiveEventsRequest", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("notification", pbjson::private::base64::encode(&self.notification).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ReceiveEventsRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "notification",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Notification,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "notification" => Ok(GeneratedField::Notification),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ReceiveEventsRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ReceiveEventsRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ReceiveEventsRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut notification__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Notification => {
                            if notification__.is_some() {
                                return Err(serde::de::Error::duplicate_field("notification"));
                            }
                            notification__ = 
                                Some(map_.next_value::<::pbjson::private::BytesDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(ReceiveEventsRequest {
                    notification: notification__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ReceiveEventsRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ReceiveEventsResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ReceiveEventsResponse", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("accepted", ToString::to_string(&self.accepted).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("duplicates", ToString::to_string(&self.duplicates).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("unmatched", ToString::to_string(&self.unmatched).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ignored", ToString::to_string(&self.ignored).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ReceiveEventsResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "accepted",
            "duplicates",
            "unmatched",
            "ignored",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Accepted,
            Duplicates,
            Unmatched,
            Ignored,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "accepted" => Ok(GeneratedField::Accepted),
                            "duplicates" => Ok(GeneratedField::Duplicates),
                            "unmatched" => Ok(GeneratedField::Unmatched),
                            "ignored" => Ok(GeneratedField::Ignored),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ReceiveEventsResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ReceiveEventsResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ReceiveEventsResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut accepted__ = None;
                let mut duplicates__ = None;
                let mut unmatched__ = None;
                let mut ignored__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Accepted => {
                            if accepted__.is_some() {
                                return Err(serde::de::Error::duplicate_field("accepted"));
                            }
                            accepted__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Duplicates => {
                            if duplicates__.is_some() {
                                return Err(serde::de::Error::duplicate_field("duplicates"));
                            }
                            duplicates__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Unmatched => {
                            if unmatched__.is_some() {
                                return Err(serde::de::Error::duplicate_field("unmatched"));
                            }
                            unmatched__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Ignored => {
                            if ignored__.is_some() {
                                return Err(serde::de::Error::duplicate_field("ignored"));
                            }
                            ignored__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(ReceiveEventsResponse {
                    accepted: accepted__.unwrap_or_default(),
                    duplicates: duplicates__.unwrap_or_default(),
                    unmatched: unmatched__.unwrap_or_default(),
                    ignored: ignored__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ReceiveEventsResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for RecrawlPolicy {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::RecrawlEverything => "RECRAWL_EVERYTHING",
            Self::RecrawlNewFolders => "RECRAWL_NEW_FOLDERS",
            Self::RecrawlEvents => "RECRAWL_EVENTS",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for RecrawlPolicy {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "RECRAWL_EVERYTHING",
            "RECRAWL_NEW_FOLDERS",
            "RECRAWL_EVENTS",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = RecrawlPolicy;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "RECRAWL_EVERYTHING" => Ok(RecrawlPolicy::RecrawlEverything),
                    "RECRAWL_NEW_FOLDERS" => Ok(RecrawlPolicy::RecrawlNewFolders),
                    "RECRAWL_EVENTS" => Ok(RecrawlPolicy::RecrawlEvents),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for ResetBookmarkRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ResetBookmarkRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("keep_through_job_id", &self.keep_through_job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ResetBookmarkRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "keep_through_job_id",
            "keepThroughJobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            KeepThroughJobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "keepThroughJobId" | "keep_through_job_id" => Ok(GeneratedField::KeepThroughJobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ResetBookmarkRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ResetBookmarkRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ResetBookmarkRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut keep_through_job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::KeepThroughJobId => {
                            if keep_through_job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("keepThroughJobId"));
                            }
                            keep_through_job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ResetBookmarkRequest {
                    name: name__.unwrap_or_default(),
                    keep_through_job_id: keep_through_job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ResetBookmarkRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ResultPartition {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ResultPartition", len)?;
        if true {
            struct_ser.serialize_field("flight_endpoint", &self.flight_endpoint)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ticket", pbjson::private::base64::encode(&self.ticket).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("rows", ToString::to_string(&self.rows).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ResultPartition {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "flight_endpoint",
            "flightEndpoint",
            "ticket",
            "rows",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            FlightEndpoint,
            Ticket,
            Rows,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "flightEndpoint" | "flight_endpoint" => Ok(GeneratedField::FlightEndpoint),
                            "ticket" => Ok(GeneratedField::Ticket),
                            "rows" => Ok(GeneratedField::Rows),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ResultPartition;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ResultPartition")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ResultPartition, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut flight_endpoint__ = None;
                let mut ticket__ = None;
                let mut rows__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::FlightEndpoint => {
                            if flight_endpoint__.is_some() {
                                return Err(serde::de::Error::duplicate_field("flightEndpoint"));
                            }
                            flight_endpoint__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Ticket => {
                            if ticket__.is_some() {
                                return Err(serde::de::Error::duplicate_field("ticket"));
                            }
                            ticket__ = 
                                Some(map_.next_value::<::pbjson::private::BytesDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Rows => {
                            if rows__.is_some() {
                                return Err(serde::de::Error::duplicate_field("rows"));
                            }
                            rows__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(ResultPartition {
                    flight_endpoint: flight_endpoint__.unwrap_or_default(),
                    ticket: ticket__.unwrap_or_default(),
                    rows: rows__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ResultPartition", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ResultTicket {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ResultTicket", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if let Some(v) = self.partition.as_ref() {
            struct_ser.serialize_field("partition", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ResultTicket {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
            "partition",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
            Partition,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "partition" => Ok(GeneratedField::Partition),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ResultTicket;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ResultTicket")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ResultTicket, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                let mut partition__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Partition => {
                            if partition__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partition"));
                            }
                            partition__ = 
                                map_.next_value::<::std::option::Option<::pbjson::private::NumberDeserialize<_>>>()?.map(|x| x.0)
                            ;
                        }
                    }
                }
                Ok(ResultTicket {
                    job_id: job_id__.unwrap_or_default(),
                    partition: partition__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ResultTicket", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for RowWindow {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.RowWindow", len)?;
        if true {
            struct_ser.serialize_field("source", &self.source)?;
        }
        if true {
            struct_ser.serialize_field("after", &self.after)?;
        }
        if true {
            struct_ser.serialize_field("through", &self.through)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for RowWindow {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "source",
            "after",
            "through",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Source,
            After,
            Through,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "source" => Ok(GeneratedField::Source),
                            "after" => Ok(GeneratedField::After),
                            "through" => Ok(GeneratedField::Through),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = RowWindow;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.RowWindow")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<RowWindow, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut source__ = None;
                let mut after__ = None;
                let mut through__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Source => {
                            if source__.is_some() {
                                return Err(serde::de::Error::duplicate_field("source"));
                            }
                            source__ = Some(map_.next_value()?);
                        }
                        GeneratedField::After => {
                            if after__.is_some() {
                                return Err(serde::de::Error::duplicate_field("after"));
                            }
                            after__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Through => {
                            if through__.is_some() {
                                return Err(serde::de::Error::duplicate_field("through"));
                            }
                            through__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(RowWindow {
                    source: source__.unwrap_or_default(),
                    after: after__.unwrap_or_default(),
                    through: through__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.RowWindow", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SaveMode {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Unspecified => "SAVE_MODE_UNSPECIFIED",
            Self::Append => "SAVE_MODE_APPEND",
            Self::Overwrite => "SAVE_MODE_OVERWRITE",
            Self::ErrorIfExists => "SAVE_MODE_ERROR_IF_EXISTS",
            Self::Ignore => "SAVE_MODE_IGNORE",
            Self::OverwritePartitions => "SAVE_MODE_OVERWRITE_PARTITIONS",
            Self::Upsert => "SAVE_MODE_UPSERT",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for SaveMode {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "SAVE_MODE_UNSPECIFIED",
            "SAVE_MODE_APPEND",
            "SAVE_MODE_OVERWRITE",
            "SAVE_MODE_ERROR_IF_EXISTS",
            "SAVE_MODE_IGNORE",
            "SAVE_MODE_OVERWRITE_PARTITIONS",
            "SAVE_MODE_UPSERT",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = SaveMode;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "SAVE_MODE_UNSPECIFIED" => Ok(SaveMode::Unspecified),
                    "SAVE_MODE_APPEND" => Ok(SaveMode::Append),
                    "SAVE_MODE_OVERWRITE" => Ok(SaveMode::Overwrite),
                    "SAVE_MODE_ERROR_IF_EXISTS" => Ok(SaveMode::ErrorIfExists),
                    "SAVE_MODE_IGNORE" => Ok(SaveMode::Ignore),
                    "SAVE_MODE_OVERWRITE_PARTITIONS" => Ok(SaveMode::OverwritePartitions),
                    "SAVE_MODE_UPSERT" => Ok(SaveMode::Upsert),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for Schedule {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Schedule", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("cron", &self.cron)?;
        }
        if true {
            struct_ser.serialize_field("time_zone", &self.time_zone)?;
        }
        if true {
            struct_ser.serialize_field("job", &self.job)?;
        }
        if true {
            struct_ser.serialize_field("params", &self.params)?;
        }
        if true {
            let v = ConcurrencyPolicy::try_from(self.concurrency)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.concurrency)))?;
            struct_ser.serialize_field("concurrency", &v)?;
        }
        if true {
            let v = MissedTicks::try_from(self.missed)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.missed)))?;
            struct_ser.serialize_field("missed", &v)?;
        }
        if true {
            struct_ser.serialize_field("suspended", &self.suspended)?;
        }
        if true {
            struct_ser.serialize_field("history_limit", &self.history_limit)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("last_tick_ms", ToString::to_string(&self.last_tick_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("runs", &self.runs)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("next_tick_ms", ToString::to_string(&self.next_tick_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("crawler", &self.crawler)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Schedule {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "cron",
            "time_zone",
            "timeZone",
            "job",
            "params",
            "concurrency",
            "missed",
            "suspended",
            "history_limit",
            "historyLimit",
            "last_tick_ms",
            "lastTickMs",
            "runs",
            "next_tick_ms",
            "nextTickMs",
            "created_at_ms",
            "createdAtMs",
            "crawler",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Cron,
            TimeZone,
            Job,
            Params,
            Concurrency,
            Missed,
            Suspended,
            HistoryLimit,
            LastTickMs,
            Runs,
            NextTickMs,
            CreatedAtMs,
            Crawler,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "cron" => Ok(GeneratedField::Cron),
                            "timeZone" | "time_zone" => Ok(GeneratedField::TimeZone),
                            "job" => Ok(GeneratedField::Job),
                            "params" => Ok(GeneratedField::Params),
                            "concurrency" => Ok(GeneratedField::Concurrency),
                            "missed" => Ok(GeneratedField::Missed),
                            "suspended" => Ok(GeneratedField::Suspended),
                            "historyLimit" | "history_limit" => Ok(GeneratedField::HistoryLimit),
                            "lastTickMs" | "last_tick_ms" => Ok(GeneratedField::LastTickMs),
                            "runs" => Ok(GeneratedField::Runs),
                            "nextTickMs" | "next_tick_ms" => Ok(GeneratedField::NextTickMs),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            "crawler" => Ok(GeneratedField::Crawler),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Schedule;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Schedule")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Schedule, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut cron__ = None;
                let mut time_zone__ = None;
                let mut job__ = None;
                let mut params__ = None;
                let mut concurrency__ = None;
                let mut missed__ = None;
                let mut suspended__ = None;
                let mut history_limit__ = None;
                let mut last_tick_ms__ = None;
                let mut runs__ = None;
                let mut next_tick_ms__ = None;
                let mut created_at_ms__ = None;
                let mut crawler__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Cron => {
                            if cron__.is_some() {
                                return Err(serde::de::Error::duplicate_field("cron"));
                            }
                            cron__ = Some(map_.next_value()?);
                        }
                        GeneratedField::TimeZone => {
                            if time_zone__.is_some() {
                                return Err(serde::de::Error::duplicate_field("timeZone"));
                            }
                            time_zone__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Job => {
                            if job__.is_some() {
                                return Err(serde::de::Error::duplicate_field("job"));
                            }
                            job__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Params => {
                            if params__.is_some() {
                                return Err(serde::de::Error::duplicate_field("params"));
                            }
                            params__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::Concurrency => {
                            if concurrency__.is_some() {
                                return Err(serde::de::Error::duplicate_field("concurrency"));
                            }
                            concurrency__ = Some(map_.next_value::<ConcurrencyPolicy>()? as i32);
                        }
                        GeneratedField::Missed => {
                            if missed__.is_some() {
                                return Err(serde::de::Error::duplicate_field("missed"));
                            }
                            missed__ = Some(map_.next_value::<MissedTicks>()? as i32);
                        }
                        GeneratedField::Suspended => {
                            if suspended__.is_some() {
                                return Err(serde::de::Error::duplicate_field("suspended"));
                            }
                            suspended__ = Some(map_.next_value()?);
                        }
                        GeneratedField::HistoryLimit => {
                            if history_limit__.is_some() {
                                return Err(serde::de::Error::duplicate_field("historyLimit"));
                            }
                            history_limit__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::LastTickMs => {
                            if last_tick_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("lastTickMs"));
                            }
                            last_tick_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Runs => {
                            if runs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("runs"));
                            }
                            runs__ = Some(map_.next_value()?);
                        }
                        GeneratedField::NextTickMs => {
                            if next_tick_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("nextTickMs"));
                            }
                            next_tick_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(Schedule {
                    name: name__.unwrap_or_default(),
                    cron: cron__.unwrap_or_default(),
                    time_zone: time_zone__.unwrap_or_default(),
                    job: job__.unwrap_or_default(),
                    params: params__.unwrap_or_default(),
                    concurrency: concurrency__.unwrap_or_default(),
                    missed: missed__.unwrap_or_default(),
                    suspended: suspended__.unwrap_or_default(),
                    history_limit: history_limit__.unwrap_or_default(),
                    last_tick_ms: last_tick_ms__.unwrap_or_default(),
                    runs: runs__.unwrap_or_default(),
                    next_tick_ms: next_tick_ms__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                    crawler: crawler__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Schedule", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for ScheduleRun {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.ScheduleRun", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("tick_ms", ToString::to_string(&self.tick_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if true {
            struct_ser.serialize_field("skipped", &self.skipped)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("fired_at_ms", ToString::to_string(&self.fired_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("crawler", &self.crawler)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for ScheduleRun {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "tick_ms",
            "tickMs",
            "job_id",
            "jobId",
            "skipped",
            "fired_at_ms",
            "firedAtMs",
            "crawler",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            TickMs,
            JobId,
            Skipped,
            FiredAtMs,
            Crawler,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "tickMs" | "tick_ms" => Ok(GeneratedField::TickMs),
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "skipped" => Ok(GeneratedField::Skipped),
                            "firedAtMs" | "fired_at_ms" => Ok(GeneratedField::FiredAtMs),
                            "crawler" => Ok(GeneratedField::Crawler),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = ScheduleRun;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.ScheduleRun")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<ScheduleRun, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut tick_ms__ = None;
                let mut job_id__ = None;
                let mut skipped__ = None;
                let mut fired_at_ms__ = None;
                let mut crawler__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::TickMs => {
                            if tick_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tickMs"));
                            }
                            tick_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Skipped => {
                            if skipped__.is_some() {
                                return Err(serde::de::Error::duplicate_field("skipped"));
                            }
                            skipped__ = Some(map_.next_value()?);
                        }
                        GeneratedField::FiredAtMs => {
                            if fired_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("firedAtMs"));
                            }
                            fired_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(ScheduleRun {
                    tick_ms: tick_ms__.unwrap_or_default(),
                    job_id: job_id__.unwrap_or_default(),
                    skipped: skipped__.unwrap_or_default(),
                    fired_at_ms: fired_at_ms__.unwrap_or_default(),
                    crawler: crawler__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.ScheduleRun", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SchemaChangePolicy {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::SchemaChangeUpdate => "SCHEMA_CHANGE_UPDATE",
            Self::SchemaChangeLog => "SCHEMA_CHANGE_LOG",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for SchemaChangePolicy {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "SCHEMA_CHANGE_UPDATE",
            "SCHEMA_CHANGE_LOG",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = SchemaChangePolicy;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "SCHEMA_CHANGE_UPDATE" => Ok(SchemaChangePolicy::SchemaChangeUpdate),
                    "SCHEMA_CHANGE_LOG" => Ok(SchemaChangePolicy::SchemaChangeLog),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for SchemaVersion {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SchemaVersion", len)?;
        if true {
            struct_ser.serialize_field("version", &self.version)?;
        }
        if true {
            struct_ser.serialize_field("columns", &self.columns)?;
        }
        if true {
            struct_ser.serialize_field("changed_by", &self.changed_by)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("changed_at_ms", ToString::to_string(&self.changed_at_ms).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SchemaVersion {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "version",
            "columns",
            "changed_by",
            "changedBy",
            "changed_at_ms",
            "changedAtMs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Version,
            Columns,
            ChangedBy,
            ChangedAtMs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "version" => Ok(GeneratedField::Version),
                            "columns" => Ok(GeneratedField::Columns),
                            "changedBy" | "changed_by" => Ok(GeneratedField::ChangedBy),
                            "changedAtMs" | "changed_at_ms" => Ok(GeneratedField::ChangedAtMs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SchemaVersion;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SchemaVersion")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SchemaVersion, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut version__ = None;
                let mut columns__ = None;
                let mut changed_by__ = None;
                let mut changed_at_ms__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Version => {
                            if version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("version"));
                            }
                            version__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Columns => {
                            if columns__.is_some() {
                                return Err(serde::de::Error::duplicate_field("columns"));
                            }
                            columns__ = Some(map_.next_value()?);
                        }
                        GeneratedField::ChangedBy => {
                            if changed_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("changedBy"));
                            }
                            changed_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::ChangedAtMs => {
                            if changed_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("changedAtMs"));
                            }
                            changed_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(SchemaVersion {
                    version: version__.unwrap_or_default(),
                    columns: columns__.unwrap_or_default(),
                    changed_by: changed_by__.unwrap_or_default(),
                    changed_at_ms: changed_at_ms__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SchemaVersion", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SinkSpec {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SinkSpec", len)?;
        if true {
            struct_ser.serialize_field("format", &self.format)?;
        }
        if true {
            struct_ser.serialize_field("path", &self.path)?;
        }
        if true {
            struct_ser.serialize_field("partition_by", &self.partition_by)?;
        }
        if true {
            let v = SaveMode::try_from(self.mode)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.mode)))?;
            struct_ser.serialize_field("mode", &v)?;
        }
        if true {
            struct_ser.serialize_field("options", &self.options)?;
        }
        if true {
            struct_ser.serialize_field("table", &self.table)?;
        }
        if true {
            struct_ser.serialize_field("key_columns", &self.key_columns)?;
        }
        if true {
            struct_ser.serialize_field("catalog", &self.catalog)?;
        }
        if let Some(v) = self.new_table.as_ref() {
            struct_ser.serialize_field("new_table", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SinkSpec {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "format",
            "path",
            "partition_by",
            "partitionBy",
            "mode",
            "options",
            "table",
            "key_columns",
            "keyColumns",
            "catalog",
            "new_table",
            "newTable",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Format,
            Path,
            PartitionBy,
            Mode,
            Options,
            Table,
            KeyColumns,
            Catalog,
            NewTable,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "format" => Ok(GeneratedField::Format),
                            "path" => Ok(GeneratedField::Path),
                            "partitionBy" | "partition_by" => Ok(GeneratedField::PartitionBy),
                            "mode" => Ok(GeneratedField::Mode),
                            "options" => Ok(GeneratedField::Options),
                            "table" => Ok(GeneratedField::Table),
                            "keyColumns" | "key_columns" => Ok(GeneratedField::KeyColumns),
                            "catalog" => Ok(GeneratedField::Catalog),
                            "newTable" | "new_table" => Ok(GeneratedField::NewTable),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SinkSpec;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SinkSpec")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SinkSpec, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut format__ = None;
                let mut path__ = None;
                let mut partition_by__ = None;
                let mut mode__ = None;
                let mut options__ = None;
                let mut table__ = None;
                let mut key_columns__ = None;
                let mut catalog__ = None;
                let mut new_table__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Format => {
                            if format__.is_some() {
                                return Err(serde::de::Error::duplicate_field("format"));
                            }
                            format__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Path => {
                            if path__.is_some() {
                                return Err(serde::de::Error::duplicate_field("path"));
                            }
                            path__ = Some(map_.next_value()?);
                        }
                        GeneratedField::PartitionBy => {
                            if partition_by__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partitionBy"));
                            }
                            partition_by__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Mode => {
                            if mode__.is_some() {
                                return Err(serde::de::Error::duplicate_field("mode"));
                            }
                            mode__ = Some(map_.next_value::<SaveMode>()? as i32);
                        }
                        GeneratedField::Options => {
                            if options__.is_some() {
                                return Err(serde::de::Error::duplicate_field("options"));
                            }
                            options__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::Table => {
                            if table__.is_some() {
                                return Err(serde::de::Error::duplicate_field("table"));
                            }
                            table__ = Some(map_.next_value()?);
                        }
                        GeneratedField::KeyColumns => {
                            if key_columns__.is_some() {
                                return Err(serde::de::Error::duplicate_field("keyColumns"));
                            }
                            key_columns__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Catalog => {
                            if catalog__.is_some() {
                                return Err(serde::de::Error::duplicate_field("catalog"));
                            }
                            catalog__ = Some(map_.next_value()?);
                        }
                        GeneratedField::NewTable => {
                            if new_table__.is_some() {
                                return Err(serde::de::Error::duplicate_field("newTable"));
                            }
                            new_table__ = map_.next_value()?;
                        }
                    }
                }
                Ok(SinkSpec {
                    format: format__.unwrap_or_default(),
                    path: path__.unwrap_or_default(),
                    partition_by: partition_by__.unwrap_or_default(),
                    mode: mode__.unwrap_or_default(),
                    options: options__.unwrap_or_default(),
                    table: table__.unwrap_or_default(),
                    key_columns: key_columns__.unwrap_or_default(),
                    catalog: catalog__.unwrap_or_default(),
                    new_table: new_table__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SinkSpec", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SourceSpec {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SourceSpec", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("format", &self.format)?;
        }
        if true {
            struct_ser.serialize_field("path", &self.path)?;
        }
        if true {
            struct_ser.serialize_field("options", &self.options)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SourceSpec {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "format",
            "path",
            "options",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Format,
            Path,
            Options,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "format" => Ok(GeneratedField::Format),
                            "path" => Ok(GeneratedField::Path),
                            "options" => Ok(GeneratedField::Options),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SourceSpec;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SourceSpec")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SourceSpec, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut format__ = None;
                let mut path__ = None;
                let mut options__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Format => {
                            if format__.is_some() {
                                return Err(serde::de::Error::duplicate_field("format"));
                            }
                            format__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Path => {
                            if path__.is_some() {
                                return Err(serde::de::Error::duplicate_field("path"));
                            }
                            path__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Options => {
                            if options__.is_some() {
                                return Err(serde::de::Error::duplicate_field("options"));
                            }
                            options__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                    }
                }
                Ok(SourceSpec {
                    name: name__.unwrap_or_default(),
                    format: format__.unwrap_or_default(),
                    path: path__.unwrap_or_default(),
                    options: options__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SourceSpec", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for StageState {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Unspecified => "STAGE_STATE_UNSPECIFIED",
            Self::Pending => "STAGE_STATE_PENDING",
            Self::Running => "STAGE_STATE_RUNNING",
            Self::Succeeded => "STAGE_STATE_SUCCEEDED",
            Self::Failed => "STAGE_STATE_FAILED",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for StageState {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "STAGE_STATE_UNSPECIFIED",
            "STAGE_STATE_PENDING",
            "STAGE_STATE_RUNNING",
            "STAGE_STATE_SUCCEEDED",
            "STAGE_STATE_FAILED",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = StageState;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "STAGE_STATE_UNSPECIFIED" => Ok(StageState::Unspecified),
                    "STAGE_STATE_PENDING" => Ok(StageState::Pending),
                    "STAGE_STATE_RUNNING" => Ok(StageState::Running),
                    "STAGE_STATE_SUCCEEDED" => Ok(StageState::Succeeded),
                    "STAGE_STATE_FAILED" => Ok(StageState::Failed),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for StageStatus {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.StageStatus", len)?;
        if true {
            struct_ser.serialize_field("stage_id", &self.stage_id)?;
        }
        if true {
            let v = StageState::try_from(self.state)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.state)))?;
            struct_ser.serialize_field("state", &v)?;
        }
        if true {
            struct_ser.serialize_field("tasks_total", &self.tasks_total)?;
        }
        if true {
            struct_ser.serialize_field("tasks_succeeded", &self.tasks_succeeded)?;
        }
        if true {
            struct_ser.serialize_field("tasks_running", &self.tasks_running)?;
        }
        if true {
            struct_ser.serialize_field("task_failures", &self.task_failures)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("rows_out", ToString::to_string(&self.rows_out).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bytes_out", ToString::to_string(&self.bytes_out).as_str())?;
        }
        if true {
            struct_ser.serialize_field("inputs", &self.inputs)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("records_read", ToString::to_string(&self.records_read).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bad_records", ToString::to_string(&self.bad_records).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("started_at_ms", ToString::to_string(&self.started_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ended_at_ms", ToString::to_string(&self.ended_at_ms).as_str())?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for StageStatus {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "stage_id",
            "stageId",
            "state",
            "tasks_total",
            "tasksTotal",
            "tasks_succeeded",
            "tasksSucceeded",
            "tasks_running",
            "tasksRunning",
            "task_failures",
            "taskFailures",
            "rows_out",
            "rowsOut",
            "bytes_out",
            "bytesOut",
            "inputs",
            "records_read",
            "recordsRead",
            "bad_records",
            "badRecords",
            "started_at_ms",
            "startedAtMs",
            "ended_at_ms",
            "endedAtMs",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            StageId,
            State,
            TasksTotal,
            TasksSucceeded,
            TasksRunning,
            TaskFailures,
            RowsOut,
            BytesOut,
            Inputs,
            RecordsRead,
            BadRecords,
            StartedAtMs,
            EndedAtMs,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "stageId" | "stage_id" => Ok(GeneratedField::StageId),
                            "state" => Ok(GeneratedField::State),
                            "tasksTotal" | "tasks_total" => Ok(GeneratedField::TasksTotal),
                            "tasksSucceeded" | "tasks_succeeded" => Ok(GeneratedField::TasksSucceeded),
                            "tasksRunning" | "tasks_running" => Ok(GeneratedField::TasksRunning),
                            "taskFailures" | "task_failures" => Ok(GeneratedField::TaskFailures),
                            "rowsOut" | "rows_out" => Ok(GeneratedField::RowsOut),
                            "bytesOut" | "bytes_out" => Ok(GeneratedField::BytesOut),
                            "inputs" => Ok(GeneratedField::Inputs),
                            "recordsRead" | "records_read" => Ok(GeneratedField::RecordsRead),
                            "badRecords" | "bad_records" => Ok(GeneratedField::BadRecords),
                            "startedAtMs" | "started_at_ms" => Ok(GeneratedField::StartedAtMs),
                            "endedAtMs" | "ended_at_ms" => Ok(GeneratedField::EndedAtMs),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = StageStatus;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.StageStatus")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<StageStatus, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut stage_id__ = None;
                let mut state__ = None;
                let mut tasks_total__ = None;
                let mut tasks_succeeded__ = None;
                let mut tasks_running__ = None;
                let mut task_failures__ = None;
                let mut rows_out__ = None;
                let mut bytes_out__ = None;
                let mut inputs__ = None;
                let mut records_read__ = None;
                let mut bad_records__ = None;
                let mut started_at_ms__ = None;
                let mut ended_at_ms__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::StageId => {
                            if stage_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("stageId"));
                            }
                            stage_id__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::State => {
                            if state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("state"));
                            }
                            state__ = Some(map_.next_value::<StageState>()? as i32);
                        }
                        GeneratedField::TasksTotal => {
                            if tasks_total__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tasksTotal"));
                            }
                            tasks_total__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::TasksSucceeded => {
                            if tasks_succeeded__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tasksSucceeded"));
                            }
                            tasks_succeeded__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::TasksRunning => {
                            if tasks_running__.is_some() {
                                return Err(serde::de::Error::duplicate_field("tasksRunning"));
                            }
                            tasks_running__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::TaskFailures => {
                            if task_failures__.is_some() {
                                return Err(serde::de::Error::duplicate_field("taskFailures"));
                            }
                            task_failures__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::RowsOut => {
                            if rows_out__.is_some() {
                                return Err(serde::de::Error::duplicate_field("rowsOut"));
                            }
                            rows_out__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::BytesOut => {
                            if bytes_out__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bytesOut"));
                            }
                            bytes_out__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Inputs => {
                            if inputs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("inputs"));
                            }
                            inputs__ = 
                                Some(map_.next_value::<Vec<::pbjson::private::NumberDeserialize<_>>>()?
                                    .into_iter().map(|x| x.0).collect())
                            ;
                        }
                        GeneratedField::RecordsRead => {
                            if records_read__.is_some() {
                                return Err(serde::de::Error::duplicate_field("recordsRead"));
                            }
                            records_read__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::BadRecords => {
                            if bad_records__.is_some() {
                                return Err(serde::de::Error::duplicate_field("badRecords"));
                            }
                            bad_records__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::StartedAtMs => {
                            if started_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("startedAtMs"));
                            }
                            started_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::EndedAtMs => {
                            if ended_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("endedAtMs"));
                            }
                            ended_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(StageStatus {
                    stage_id: stage_id__.unwrap_or_default(),
                    state: state__.unwrap_or_default(),
                    tasks_total: tasks_total__.unwrap_or_default(),
                    tasks_succeeded: tasks_succeeded__.unwrap_or_default(),
                    tasks_running: tasks_running__.unwrap_or_default(),
                    task_failures: task_failures__.unwrap_or_default(),
                    rows_out: rows_out__.unwrap_or_default(),
                    bytes_out: bytes_out__.unwrap_or_default(),
                    inputs: inputs__.unwrap_or_default(),
                    records_read: records_read__.unwrap_or_default(),
                    bad_records: bad_records__.unwrap_or_default(),
                    started_at_ms: started_at_ms__.unwrap_or_default(),
                    ended_at_ms: ended_at_ms__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.StageStatus", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for StartCrawlRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.StartCrawlRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("dry_run", &self.dry_run)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for StartCrawlRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "dry_run",
            "dryRun",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            DryRun,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "dryRun" | "dry_run" => Ok(GeneratedField::DryRun),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = StartCrawlRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.StartCrawlRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<StartCrawlRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut dry_run__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::DryRun => {
                            if dry_run__.is_some() {
                                return Err(serde::de::Error::duplicate_field("dryRun"));
                            }
                            dry_run__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(StartCrawlRequest {
                    name: name__.unwrap_or_default(),
                    dry_run: dry_run__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.StartCrawlRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for StartDefinitionRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.StartDefinitionRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("params", &self.params)?;
        }
        if true {
            struct_ser.serialize_field("request_id", &self.request_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for StartDefinitionRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "params",
            "request_id",
            "requestId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Params,
            RequestId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "params" => Ok(GeneratedField::Params),
                            "requestId" | "request_id" => Ok(GeneratedField::RequestId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = StartDefinitionRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.StartDefinitionRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<StartDefinitionRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut params__ = None;
                let mut request_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Params => {
                            if params__.is_some() {
                                return Err(serde::de::Error::duplicate_field("params"));
                            }
                            params__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::RequestId => {
                            if request_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("requestId"));
                            }
                            request_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(StartDefinitionRequest {
                    name: name__.unwrap_or_default(),
                    params: params__.unwrap_or_default(),
                    request_id: request_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.StartDefinitionRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for StartDefinitionResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.StartDefinitionResponse", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if true {
            struct_ser.serialize_field("version", &self.version)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for StartDefinitionResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
            "version",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
            Version,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "version" => Ok(GeneratedField::Version),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = StartDefinitionResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.StartDefinitionResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<StartDefinitionResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                let mut version__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Version => {
                            if version__.is_some() {
                                return Err(serde::de::Error::duplicate_field("version"));
                            }
                            version__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                    }
                }
                Ok(StartDefinitionResponse {
                    job_id: job_id__.unwrap_or_default(),
                    version: version__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.StartDefinitionResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for StepSpec {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.StepSpec", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("sql", &self.sql)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for StepSpec {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "sql",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Sql,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "sql" => Ok(GeneratedField::Sql),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = StepSpec;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.StepSpec")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<StepSpec, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut sql__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Sql => {
                            if sql__.is_some() {
                                return Err(serde::de::Error::duplicate_field("sql"));
                            }
                            sql__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(StepSpec {
                    name: name__.unwrap_or_default(),
                    sql: sql__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.StepSpec", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SubmitRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SubmitRequest", len)?;
        if let Some(v) = self.spec.as_ref() {
            struct_ser.serialize_field("spec", v)?;
        }
        if true {
            struct_ser.serialize_field("validate_only", &self.validate_only)?;
        }
        if true {
            struct_ser.serialize_field("request_id", &self.request_id)?;
        }
        if let Some(v) = self.job_file.as_ref() {
            struct_ser.serialize_field("job_file", v)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SubmitRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "spec",
            "validate_only",
            "validateOnly",
            "request_id",
            "requestId",
            "job_file",
            "jobFile",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Spec,
            ValidateOnly,
            RequestId,
            JobFile,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "spec" => Ok(GeneratedField::Spec),
                            "validateOnly" | "validate_only" => Ok(GeneratedField::ValidateOnly),
                            "requestId" | "request_id" => Ok(GeneratedField::RequestId),
                            "jobFile" | "job_file" => Ok(GeneratedField::JobFile),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SubmitRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SubmitRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SubmitRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut spec__ = None;
                let mut validate_only__ = None;
                let mut request_id__ = None;
                let mut job_file__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Spec => {
                            if spec__.is_some() {
                                return Err(serde::de::Error::duplicate_field("spec"));
                            }
                            spec__ = map_.next_value()?;
                        }
                        GeneratedField::ValidateOnly => {
                            if validate_only__.is_some() {
                                return Err(serde::de::Error::duplicate_field("validateOnly"));
                            }
                            validate_only__ = Some(map_.next_value()?);
                        }
                        GeneratedField::RequestId => {
                            if request_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("requestId"));
                            }
                            request_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::JobFile => {
                            if job_file__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobFile"));
                            }
                            job_file__ = map_.next_value()?;
                        }
                    }
                }
                Ok(SubmitRequest {
                    spec: spec__,
                    validate_only: validate_only__.unwrap_or_default(),
                    request_id: request_id__.unwrap_or_default(),
                    job_file: job_file__,
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SubmitRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SubmitResponse {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SubmitResponse", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SubmitResponse {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SubmitResponse;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SubmitResponse")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SubmitResponse, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(SubmitResponse {
                    job_id: job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SubmitResponse", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for SuspendScheduleRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.SuspendScheduleRequest", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("suspended", &self.suspended)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for SuspendScheduleRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "suspended",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Suspended,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "suspended" => Ok(GeneratedField::Suspended),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = SuspendScheduleRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.SuspendScheduleRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<SuspendScheduleRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut suspended__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Suspended => {
                            if suspended__.is_some() {
                                return Err(serde::de::Error::duplicate_field("suspended"));
                            }
                            suspended__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(SuspendScheduleRequest {
                    name: name__.unwrap_or_default(),
                    suspended: suspended__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.SuspendScheduleRequest", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for TaskAttemptState {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        let variant = match self {
            Self::Unspecified => "TASK_ATTEMPT_STATE_UNSPECIFIED",
            Self::Running => "TASK_ATTEMPT_STATE_RUNNING",
            Self::Succeeded => "TASK_ATTEMPT_STATE_SUCCEEDED",
            Self::Failed => "TASK_ATTEMPT_STATE_FAILED",
            Self::Killed => "TASK_ATTEMPT_STATE_KILLED",
            Self::Lost => "TASK_ATTEMPT_STATE_LOST",
        };
        serializer.serialize_str(variant)
    }
}
impl<'de> serde::Deserialize<'de> for TaskAttemptState {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "TASK_ATTEMPT_STATE_UNSPECIFIED",
            "TASK_ATTEMPT_STATE_RUNNING",
            "TASK_ATTEMPT_STATE_SUCCEEDED",
            "TASK_ATTEMPT_STATE_FAILED",
            "TASK_ATTEMPT_STATE_KILLED",
            "TASK_ATTEMPT_STATE_LOST",
        ];

        struct GeneratedVisitor;

        impl serde::de::Visitor<'_> for GeneratedVisitor {
            type Value = TaskAttemptState;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(formatter, "expected one of: {:?}", &FIELDS)
            }

            fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Signed(v), &self)
                    })
            }

            fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                i32::try_from(v)
                    .ok()
                    .and_then(|x| x.try_into().ok())
                    .ok_or_else(|| {
                        serde::de::Error::invalid_value(serde::de::Unexpected::Unsigned(v), &self)
                    })
            }

            fn visit_str<E>(self, value: &str) -> std::result::Result<Self::Value, E>
            where
                E: serde::de::Error,
            {
                match value {
                    "TASK_ATTEMPT_STATE_UNSPECIFIED" => Ok(TaskAttemptState::Unspecified),
                    "TASK_ATTEMPT_STATE_RUNNING" => Ok(TaskAttemptState::Running),
                    "TASK_ATTEMPT_STATE_SUCCEEDED" => Ok(TaskAttemptState::Succeeded),
                    "TASK_ATTEMPT_STATE_FAILED" => Ok(TaskAttemptState::Failed),
                    "TASK_ATTEMPT_STATE_KILLED" => Ok(TaskAttemptState::Killed),
                    "TASK_ATTEMPT_STATE_LOST" => Ok(TaskAttemptState::Lost),
                    _ => Err(serde::de::Error::unknown_variant(value, FIELDS)),
                }
            }
        }
        deserializer.deserialize_any(GeneratedVisitor)
    }
}
impl serde::Serialize for TaskAttemptStatus {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.TaskAttemptStatus", len)?;
        if true {
            struct_ser.serialize_field("stage_id", &self.stage_id)?;
        }
        if true {
            struct_ser.serialize_field("partition", &self.partition)?;
        }
        if true {
            struct_ser.serialize_field("attempt", &self.attempt)?;
        }
        if true {
            struct_ser.serialize_field("executor_id", &self.executor_id)?;
        }
        if true {
            let v = TaskAttemptState::try_from(self.state)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.state)))?;
            struct_ser.serialize_field("state", &v)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("started_at_ms", ToString::to_string(&self.started_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("ended_at_ms", ToString::to_string(&self.ended_at_ms).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("rows_out", ToString::to_string(&self.rows_out).as_str())?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("bytes_out", ToString::to_string(&self.bytes_out).as_str())?;
        }
        if true {
            struct_ser.serialize_field("error", &self.error)?;
        }
        if true {
            struct_ser.serialize_field("log", &self.log)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for TaskAttemptStatus {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "stage_id",
            "stageId",
            "partition",
            "attempt",
            "executor_id",
            "executorId",
            "state",
            "started_at_ms",
            "startedAtMs",
            "ended_at_ms",
            "endedAtMs",
            "rows_out",
            "rowsOut",
            "bytes_out",
            "bytesOut",
            "error",
            "log",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            StageId,
            Partition,
            Attempt,
            ExecutorId,
            State,
            StartedAtMs,
            EndedAtMs,
            RowsOut,
            BytesOut,
            Error,
            Log,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "stageId" | "stage_id" => Ok(GeneratedField::StageId),
                            "partition" => Ok(GeneratedField::Partition),
                            "attempt" => Ok(GeneratedField::Attempt),
                            "executorId" | "executor_id" => Ok(GeneratedField::ExecutorId),
                            "state" => Ok(GeneratedField::State),
                            "startedAtMs" | "started_at_ms" => Ok(GeneratedField::StartedAtMs),
                            "endedAtMs" | "ended_at_ms" => Ok(GeneratedField::EndedAtMs),
                            "rowsOut" | "rows_out" => Ok(GeneratedField::RowsOut),
                            "bytesOut" | "bytes_out" => Ok(GeneratedField::BytesOut),
                            "error" => Ok(GeneratedField::Error),
                            "log" => Ok(GeneratedField::Log),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = TaskAttemptStatus;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.TaskAttemptStatus")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<TaskAttemptStatus, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut stage_id__ = None;
                let mut partition__ = None;
                let mut attempt__ = None;
                let mut executor_id__ = None;
                let mut state__ = None;
                let mut started_at_ms__ = None;
                let mut ended_at_ms__ = None;
                let mut rows_out__ = None;
                let mut bytes_out__ = None;
                let mut error__ = None;
                let mut log__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::StageId => {
                            if stage_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("stageId"));
                            }
                            stage_id__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Partition => {
                            if partition__.is_some() {
                                return Err(serde::de::Error::duplicate_field("partition"));
                            }
                            partition__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Attempt => {
                            if attempt__.is_some() {
                                return Err(serde::de::Error::duplicate_field("attempt"));
                            }
                            attempt__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::ExecutorId => {
                            if executor_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("executorId"));
                            }
                            executor_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::State => {
                            if state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("state"));
                            }
                            state__ = Some(map_.next_value::<TaskAttemptState>()? as i32);
                        }
                        GeneratedField::StartedAtMs => {
                            if started_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("startedAtMs"));
                            }
                            started_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::EndedAtMs => {
                            if ended_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("endedAtMs"));
                            }
                            ended_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::RowsOut => {
                            if rows_out__.is_some() {
                                return Err(serde::de::Error::duplicate_field("rowsOut"));
                            }
                            rows_out__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::BytesOut => {
                            if bytes_out__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bytesOut"));
                            }
                            bytes_out__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Error => {
                            if error__.is_some() {
                                return Err(serde::de::Error::duplicate_field("error"));
                            }
                            error__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Log => {
                            if log__.is_some() {
                                return Err(serde::de::Error::duplicate_field("log"));
                            }
                            log__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(TaskAttemptStatus {
                    stage_id: stage_id__.unwrap_or_default(),
                    partition: partition__.unwrap_or_default(),
                    attempt: attempt__.unwrap_or_default(),
                    executor_id: executor_id__.unwrap_or_default(),
                    state: state__.unwrap_or_default(),
                    started_at_ms: started_at_ms__.unwrap_or_default(),
                    ended_at_ms: ended_at_ms__.unwrap_or_default(),
                    rows_out: rows_out__.unwrap_or_default(),
                    bytes_out: bytes_out__.unwrap_or_default(),
                    error: error__.unwrap_or_default(),
                    log: log__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.TaskAttemptStatus", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for Trigger {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.Trigger", len)?;
        if true {
            struct_ser.serialize_field("name", &self.name)?;
        }
        if true {
            struct_ser.serialize_field("bucket", &self.bucket)?;
        }
        if true {
            struct_ser.serialize_field("prefix", &self.prefix)?;
        }
        if true {
            struct_ser.serialize_field("suffix", &self.suffix)?;
        }
        if true {
            struct_ser.serialize_field("job", &self.job)?;
        }
        if true {
            struct_ser.serialize_field("params", &self.params)?;
        }
        if true {
            struct_ser.serialize_field("batch_size", &self.batch_size)?;
        }
        if true {
            struct_ser.serialize_field("batch_window_secs", &self.batch_window_secs)?;
        }
        if true {
            struct_ser.serialize_field("suspended", &self.suspended)?;
        }
        if true {
            struct_ser.serialize_field("runs", &self.runs)?;
        }
        if true {
            struct_ser.serialize_field("dead_letters", &self.dead_letters)?;
        }
        if true {
            struct_ser.serialize_field("pending", &self.pending)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("created_at_ms", ToString::to_string(&self.created_at_ms).as_str())?;
        }
        if let Some(v) = self.in_flight.as_ref() {
            struct_ser.serialize_field("in_flight", v)?;
        }
        if true {
            struct_ser.serialize_field("watch", &self.watch)?;
        }
        if true {
            struct_ser.serialize_field("watch_interval_secs", &self.watch_interval_secs)?;
        }
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("watched_until_ms", ToString::to_string(&self.watched_until_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("crawler", &self.crawler)?;
        }
        if true {
            struct_ser.serialize_field("after", &self.after)?;
        }
        if true {
            let v = JobState::try_from(self.after_state)
                .map_err(|_| serde::ser::Error::custom(format!("Invalid variant {}", self.after_state)))?;
            struct_ser.serialize_field("after_state", &v)?;
        }
        if true {
            struct_ser.serialize_field("after_all", &self.after_all)?;
        }
        if true {
            struct_ser.serialize_field("consumed", &self.consumed)?;
        }
        if true {
            struct_ser.serialize_field("after_crawlers", &self.after_crawlers)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for Trigger {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "name",
            "bucket",
            "prefix",
            "suffix",
            "job",
            "params",
            "batch_size",
            "batchSize",
            "batch_window_secs",
            "batchWindowSecs",
            "suspended",
            "runs",
            "dead_letters",
            "deadLetters",
            "pending",
            "created_at_ms",
            "createdAtMs",
            "in_flight",
            "inFlight",
            "watch",
            "watch_interval_secs",
            "watchIntervalSecs",
            "watched_until_ms",
            "watchedUntilMs",
            "crawler",
            "after",
            "after_state",
            "afterState",
            "after_all",
            "afterAll",
            "consumed",
            "after_crawlers",
            "afterCrawlers",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            Name,
            Bucket,
            Prefix,
            Suffix,
            Job,
            Params,
            BatchSize,
            BatchWindowSecs,
            Suspended,
            Runs,
            DeadLetters,
            Pending,
            CreatedAtMs,
            InFlight,
            Watch,
            WatchIntervalSecs,
            WatchedUntilMs,
            Crawler,
            After,
            AfterState,
            AfterAll,
            Consumed,
            AfterCrawlers,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "name" => Ok(GeneratedField::Name),
                            "bucket" => Ok(GeneratedField::Bucket),
                            "prefix" => Ok(GeneratedField::Prefix),
                            "suffix" => Ok(GeneratedField::Suffix),
                            "job" => Ok(GeneratedField::Job),
                            "params" => Ok(GeneratedField::Params),
                            "batchSize" | "batch_size" => Ok(GeneratedField::BatchSize),
                            "batchWindowSecs" | "batch_window_secs" => Ok(GeneratedField::BatchWindowSecs),
                            "suspended" => Ok(GeneratedField::Suspended),
                            "runs" => Ok(GeneratedField::Runs),
                            "deadLetters" | "dead_letters" => Ok(GeneratedField::DeadLetters),
                            "pending" => Ok(GeneratedField::Pending),
                            "createdAtMs" | "created_at_ms" => Ok(GeneratedField::CreatedAtMs),
                            "inFlight" | "in_flight" => Ok(GeneratedField::InFlight),
                            "watch" => Ok(GeneratedField::Watch),
                            "watchIntervalSecs" | "watch_interval_secs" => Ok(GeneratedField::WatchIntervalSecs),
                            "watchedUntilMs" | "watched_until_ms" => Ok(GeneratedField::WatchedUntilMs),
                            "crawler" => Ok(GeneratedField::Crawler),
                            "after" => Ok(GeneratedField::After),
                            "afterState" | "after_state" => Ok(GeneratedField::AfterState),
                            "afterAll" | "after_all" => Ok(GeneratedField::AfterAll),
                            "consumed" => Ok(GeneratedField::Consumed),
                            "afterCrawlers" | "after_crawlers" => Ok(GeneratedField::AfterCrawlers),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = Trigger;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.Trigger")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<Trigger, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut name__ = None;
                let mut bucket__ = None;
                let mut prefix__ = None;
                let mut suffix__ = None;
                let mut job__ = None;
                let mut params__ = None;
                let mut batch_size__ = None;
                let mut batch_window_secs__ = None;
                let mut suspended__ = None;
                let mut runs__ = None;
                let mut dead_letters__ = None;
                let mut pending__ = None;
                let mut created_at_ms__ = None;
                let mut in_flight__ = None;
                let mut watch__ = None;
                let mut watch_interval_secs__ = None;
                let mut watched_until_ms__ = None;
                let mut crawler__ = None;
                let mut after__ = None;
                let mut after_state__ = None;
                let mut after_all__ = None;
                let mut consumed__ = None;
                let mut after_crawlers__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::Name => {
                            if name__.is_some() {
                                return Err(serde::de::Error::duplicate_field("name"));
                            }
                            name__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Bucket => {
                            if bucket__.is_some() {
                                return Err(serde::de::Error::duplicate_field("bucket"));
                            }
                            bucket__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Prefix => {
                            if prefix__.is_some() {
                                return Err(serde::de::Error::duplicate_field("prefix"));
                            }
                            prefix__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Suffix => {
                            if suffix__.is_some() {
                                return Err(serde::de::Error::duplicate_field("suffix"));
                            }
                            suffix__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Job => {
                            if job__.is_some() {
                                return Err(serde::de::Error::duplicate_field("job"));
                            }
                            job__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Params => {
                            if params__.is_some() {
                                return Err(serde::de::Error::duplicate_field("params"));
                            }
                            params__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::BatchSize => {
                            if batch_size__.is_some() {
                                return Err(serde::de::Error::duplicate_field("batchSize"));
                            }
                            batch_size__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::BatchWindowSecs => {
                            if batch_window_secs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("batchWindowSecs"));
                            }
                            batch_window_secs__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Suspended => {
                            if suspended__.is_some() {
                                return Err(serde::de::Error::duplicate_field("suspended"));
                            }
                            suspended__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Runs => {
                            if runs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("runs"));
                            }
                            runs__ = Some(map_.next_value()?);
                        }
                        GeneratedField::DeadLetters => {
                            if dead_letters__.is_some() {
                                return Err(serde::de::Error::duplicate_field("deadLetters"));
                            }
                            dead_letters__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Pending => {
                            if pending__.is_some() {
                                return Err(serde::de::Error::duplicate_field("pending"));
                            }
                            pending__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::CreatedAtMs => {
                            if created_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("createdAtMs"));
                            }
                            created_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::InFlight => {
                            if in_flight__.is_some() {
                                return Err(serde::de::Error::duplicate_field("inFlight"));
                            }
                            in_flight__ = map_.next_value()?;
                        }
                        GeneratedField::Watch => {
                            if watch__.is_some() {
                                return Err(serde::de::Error::duplicate_field("watch"));
                            }
                            watch__ = Some(map_.next_value()?);
                        }
                        GeneratedField::WatchIntervalSecs => {
                            if watch_interval_secs__.is_some() {
                                return Err(serde::de::Error::duplicate_field("watchIntervalSecs"));
                            }
                            watch_interval_secs__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::WatchedUntilMs => {
                            if watched_until_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("watchedUntilMs"));
                            }
                            watched_until_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = Some(map_.next_value()?);
                        }
                        GeneratedField::After => {
                            if after__.is_some() {
                                return Err(serde::de::Error::duplicate_field("after"));
                            }
                            after__ = Some(map_.next_value()?);
                        }
                        GeneratedField::AfterState => {
                            if after_state__.is_some() {
                                return Err(serde::de::Error::duplicate_field("afterState"));
                            }
                            after_state__ = Some(map_.next_value::<JobState>()? as i32);
                        }
                        GeneratedField::AfterAll => {
                            if after_all__.is_some() {
                                return Err(serde::de::Error::duplicate_field("afterAll"));
                            }
                            after_all__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Consumed => {
                            if consumed__.is_some() {
                                return Err(serde::de::Error::duplicate_field("consumed"));
                            }
                            consumed__ = Some(
                                map_.next_value::<std::collections::HashMap<_, _>>()?
                            );
                        }
                        GeneratedField::AfterCrawlers => {
                            if after_crawlers__.is_some() {
                                return Err(serde::de::Error::duplicate_field("afterCrawlers"));
                            }
                            after_crawlers__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(Trigger {
                    name: name__.unwrap_or_default(),
                    bucket: bucket__.unwrap_or_default(),
                    prefix: prefix__.unwrap_or_default(),
                    suffix: suffix__.unwrap_or_default(),
                    job: job__.unwrap_or_default(),
                    params: params__.unwrap_or_default(),
                    batch_size: batch_size__.unwrap_or_default(),
                    batch_window_secs: batch_window_secs__.unwrap_or_default(),
                    suspended: suspended__.unwrap_or_default(),
                    runs: runs__.unwrap_or_default(),
                    dead_letters: dead_letters__.unwrap_or_default(),
                    pending: pending__.unwrap_or_default(),
                    created_at_ms: created_at_ms__.unwrap_or_default(),
                    in_flight: in_flight__,
                    watch: watch__.unwrap_or_default(),
                    watch_interval_secs: watch_interval_secs__.unwrap_or_default(),
                    watched_until_ms: watched_until_ms__.unwrap_or_default(),
                    crawler: crawler__.unwrap_or_default(),
                    after: after__.unwrap_or_default(),
                    after_state: after_state__.unwrap_or_default(),
                    after_all: after_all__.unwrap_or_default(),
                    consumed: consumed__.unwrap_or_default(),
                    after_crawlers: after_crawlers__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.Trigger", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for TriggerBatch {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.TriggerBatch", len)?;
        if true {
            struct_ser.serialize_field("request_id", &self.request_id)?;
        }
        if true {
            struct_ser.serialize_field("event_ids", &self.event_ids)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for TriggerBatch {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "request_id",
            "requestId",
            "event_ids",
            "eventIds",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            RequestId,
            EventIds,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "requestId" | "request_id" => Ok(GeneratedField::RequestId),
                            "eventIds" | "event_ids" => Ok(GeneratedField::EventIds),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = TriggerBatch;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.TriggerBatch")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<TriggerBatch, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut request_id__ = None;
                let mut event_ids__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::RequestId => {
                            if request_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("requestId"));
                            }
                            request_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::EventIds => {
                            if event_ids__.is_some() {
                                return Err(serde::de::Error::duplicate_field("eventIds"));
                            }
                            event_ids__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(TriggerBatch {
                    request_id: request_id__.unwrap_or_default(),
                    event_ids: event_ids__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.TriggerBatch", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for TriggerRun {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.TriggerRun", len)?;
        if true {
            #[allow(clippy::needless_borrow)]
            #[allow(clippy::needless_borrows_for_generic_args)]
            struct_ser.serialize_field("started_at_ms", ToString::to_string(&self.started_at_ms).as_str())?;
        }
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        if true {
            struct_ser.serialize_field("events", &self.events)?;
        }
        if true {
            struct_ser.serialize_field("first_key", &self.first_key)?;
        }
        if true {
            struct_ser.serialize_field("crawler", &self.crawler)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for TriggerRun {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "started_at_ms",
            "startedAtMs",
            "job_id",
            "jobId",
            "events",
            "first_key",
            "firstKey",
            "crawler",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            StartedAtMs,
            JobId,
            Events,
            FirstKey,
            Crawler,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "startedAtMs" | "started_at_ms" => Ok(GeneratedField::StartedAtMs),
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            "events" => Ok(GeneratedField::Events),
                            "firstKey" | "first_key" => Ok(GeneratedField::FirstKey),
                            "crawler" => Ok(GeneratedField::Crawler),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = TriggerRun;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.TriggerRun")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<TriggerRun, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut started_at_ms__ = None;
                let mut job_id__ = None;
                let mut events__ = None;
                let mut first_key__ = None;
                let mut crawler__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::StartedAtMs => {
                            if started_at_ms__.is_some() {
                                return Err(serde::de::Error::duplicate_field("startedAtMs"));
                            }
                            started_at_ms__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Events => {
                            if events__.is_some() {
                                return Err(serde::de::Error::duplicate_field("events"));
                            }
                            events__ = 
                                Some(map_.next_value::<::pbjson::private::NumberDeserialize<_>>()?.0)
                            ;
                        }
                        GeneratedField::FirstKey => {
                            if first_key__.is_some() {
                                return Err(serde::de::Error::duplicate_field("firstKey"));
                            }
                            first_key__ = Some(map_.next_value()?);
                        }
                        GeneratedField::Crawler => {
                            if crawler__.is_some() {
                                return Err(serde::de::Error::duplicate_field("crawler"));
                            }
                            crawler__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(TriggerRun {
                    started_at_ms: started_at_ms__.unwrap_or_default(),
                    job_id: job_id__.unwrap_or_default(),
                    events: events__.unwrap_or_default(),
                    first_key: first_key__.unwrap_or_default(),
                    crawler: crawler__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.TriggerRun", FIELDS, GeneratedVisitor)
    }
}
impl serde::Serialize for WatchJobRequest {
    #[allow(deprecated)]
    fn serialize<S>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        use serde::ser::SerializeStruct;
        let mut len = 0;
        if true {
            len += 1;
        }
        let mut struct_ser = serializer.serialize_struct("kiln.v1.WatchJobRequest", len)?;
        if true {
            struct_ser.serialize_field("job_id", &self.job_id)?;
        }
        struct_ser.end()
    }
}
impl<'de> serde::Deserialize<'de> for WatchJobRequest {
    #[allow(deprecated)]
    fn deserialize<D>(deserializer: D) -> std::result::Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        const FIELDS: &[&str] = &[
            "job_id",
            "jobId",
        ];

        #[allow(clippy::enum_variant_names)]
        enum GeneratedField {
            JobId,
        }
        impl<'de> serde::Deserialize<'de> for GeneratedField {
            fn deserialize<D>(deserializer: D) -> std::result::Result<GeneratedField, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                struct GeneratedVisitor;

                impl serde::de::Visitor<'_> for GeneratedVisitor {
                    type Value = GeneratedField;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(formatter, "expected one of: {:?}", &FIELDS)
                    }

                    #[allow(unused_variables)]
                    fn visit_str<E>(self, value: &str) -> std::result::Result<GeneratedField, E>
                    where
                        E: serde::de::Error,
                    {
                        match value {
                            "jobId" | "job_id" => Ok(GeneratedField::JobId),
                            _ => Err(serde::de::Error::unknown_field(value, FIELDS)),
                        }
                    }
                }
                deserializer.deserialize_identifier(GeneratedVisitor)
            }
        }
        struct GeneratedVisitor;
        impl<'de> serde::de::Visitor<'de> for GeneratedVisitor {
            type Value = WatchJobRequest;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("struct kiln.v1.WatchJobRequest")
            }

            fn visit_map<V>(self, mut map_: V) -> std::result::Result<WatchJobRequest, V::Error>
                where
                    V: serde::de::MapAccess<'de>,
            {
                let mut job_id__ = None;
                while let Some(k) = map_.next_key()? {
                    match k {
                        GeneratedField::JobId => {
                            if job_id__.is_some() {
                                return Err(serde::de::Error::duplicate_field("jobId"));
                            }
                            job_id__ = Some(map_.next_value()?);
                        }
                    }
                }
                Ok(WatchJobRequest {
                    job_id: job_id__.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("kiln.v1.WatchJobRequest", FIELDS, GeneratedVisitor)
    }
}
